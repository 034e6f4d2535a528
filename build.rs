//! Generates the Rust types of `proto/profile.proto` with prost.
//!
//! The .proto is parsed by protox, a protobuf compiler written in Rust, so a
//! fresh machine needs no system `protoc` to build ppt.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    const PROTO: &str = "proto/profile.proto";
    println!("cargo:rerun-if-changed={PROTO}");
    let descriptors = protox::compile([PROTO], ["proto"])?;
    prost_build::Config::new().compile_fds(descriptors)?;
    Ok(())
}
