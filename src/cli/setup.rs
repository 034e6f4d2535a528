//! What fits ppt into a user's shell: completion scripts (`--completions
//! SHELL`) and the man page (`--man`), both generated from the command
//! line's definition ([`Args`]), so they list exactly the options ppt takes.

use super::Args;
use clap::CommandFactory;
use std::io::{self, Write};

/// Writes the completion script for `shell` to `out`.
pub fn write_completions(shell: clap_complete::Shell, out: &mut dyn Write) {
    clap_complete::generate(shell, &mut Args::command(), "ppt", out);
}

/// Writes the man page, in roff, to `out`.
pub fn write_man_page(out: &mut dyn Write) -> io::Result<()> {
    clap_mangen::Man::new(Args::command()).render(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap_complete::Shell;

    fn completions(shell: Shell) -> String {
        let mut out = Vec::new();
        write_completions(shell, &mut out);
        String::from_utf8(out).expect("text")
    }

    #[test]
    fn completions_know_every_shell_and_the_options() {
        let bash = completions(Shell::Bash);
        assert!(bash.contains("complete -F _ppt"), "{bash}");
        for option in ["--top", "--diff-base", "--sample-index", "--flamegraph"] {
            assert!(bash.contains(option), "bash lacks {option}");
        }
        assert!(completions(Shell::Zsh).starts_with("#compdef ppt"));
        let fish = completions(Shell::Fish);
        assert!(fish.contains("complete -c ppt -l diff-base"), "{fish}");
    }

    #[test]
    fn the_man_page_documents_the_options() {
        let mut out = Vec::new();
        write_man_page(&mut out).expect("rendered");
        let man = String::from_utf8(out).expect("text");
        assert!(man.starts_with(".ie \\n(.g .ds Aq"), "{}", &man[..80]);
        assert!(man.contains(".TH ppt 1"), "{man}");
        for option in ["\\-\\-top", "\\-\\-diff\\-base", "\\-\\-completions"] {
            assert!(man.contains(option), "man page lacks {option}");
        }
    }
}
