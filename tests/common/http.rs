//! A loopback HTTP(S) server for the tests that fetch profiles: it listens
//! on 127.0.0.1 on a port the system picks, answers each request with what
//! the test's handler says, logs the requests, lives at most
//! [`SERVER_LIFETIME`] and stops when dropped. Nothing here touches the
//! network.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

/// No server outlives this, whatever its test does.
pub const SERVER_LIFETIME: Duration = Duration::from_secs(120);

/// A request as the handler sees it.
#[derive(Debug, Clone)]
pub struct Request {
    /// The request target: path and query (`/debug/pprof/profile?seconds=3`).
    pub target: String,
}

impl Request {
    /// The path, without the query.
    pub fn path(&self) -> &str {
        self.target.split_once('?').map_or(&self.target, |(p, _)| p)
    }

    /// The value of query parameter `name`, if given.
    pub fn param(&self, name: &str) -> Option<&str> {
        let (_, query) = self.target.split_once('?')?;
        query
            .split('&')
            .find_map(|p| p.strip_prefix(name)?.strip_prefix('='))
    }
}

/// What the server answers.
#[derive(Debug, Clone)]
pub struct Response {
    status: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    content_length: bool,
    delay: Duration,
}

impl Response {
    /// `200 OK` with `body` as `application/octet-stream` (a profile).
    pub fn profile(body: Vec<u8>) -> Response {
        Response::new("200 OK", body).header("Content-Type", "application/octet-stream")
    }

    /// `status` (`404 Not Found`...) with `body` and no headers but the
    /// length.
    pub fn new(status: &str, body: Vec<u8>) -> Response {
        Response {
            status: status.to_string(),
            headers: Vec::new(),
            body,
            content_length: true,
            delay: Duration::ZERO,
        }
    }

    /// Adds a header (in the order given, before `Content-Length`).
    pub fn header(mut self, name: &str, value: &str) -> Response {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// Sends no `Content-Length`: the size is only known by reading to the
    /// end.
    pub fn without_length(mut self) -> Response {
        self.content_length = false;
        self
    }

    /// Answers after `delay`, unless the server stops first.
    pub fn after(mut self, delay: Duration) -> Response {
        self.delay = delay;
        self
    }
}

type Handler = dyn Fn(&Request) -> Response + Send + Sync;
type Tls = Option<Arc<rustls::ServerConfig>>;

/// A running server; stops when dropped.
pub struct Server {
    addr: SocketAddr,
    requests: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
    accept: Option<thread::JoinHandle<()>>,
}

impl Server {
    /// Plain HTTP, answering with `handler`.
    pub fn start(handler: impl Fn(&Request) -> Response + Send + Sync + 'static) -> Server {
        Server::start_with(None, Arc::new(handler))
    }

    /// HTTPS with the self-signed certificate for `localhost` in
    /// `tests/fixtures/tls/`.
    pub fn start_tls(handler: impl Fn(&Request) -> Response + Send + Sync + 'static) -> Server {
        use rustls::pki_types::pem::PemObject;
        use rustls::pki_types::{CertificateDer, PrivateKeyDer};
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tls");
        let certs = CertificateDer::pem_file_iter(format!("{dir}/cert.pem"))
            .expect("the test certificate reads")
            .collect::<Result<Vec<_>, _>>()
            .expect("the test certificate parses");
        let key =
            PrivateKeyDer::from_pem_file(format!("{dir}/key.pem")).expect("the test key reads");
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("TLS versions")
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .expect("a TLS configuration");
        Server::start_with(Some(Arc::new(config)), Arc::new(handler))
    }

    fn start_with(tls: Tls, handler: Arc<Handler>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        listener
            .set_nonblocking(true)
            .expect("a non-blocking listener");
        let addr = listener.local_addr().expect("the listener's address");
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let accept = {
            let (requests, stop) = (requests.clone(), stop.clone());
            thread::spawn(move || {
                let born = Instant::now();
                while !stop.load(Ordering::Relaxed) && born.elapsed() < SERVER_LIFETIME {
                    match listener.accept() {
                        Ok((stream, _)) => {
                            let connection = Connection {
                                requests: requests.clone(),
                                stop: stop.clone(),
                                handler: handler.clone(),
                            };
                            let tls = tls.clone();
                            thread::spawn(move || connection.serve(stream, tls));
                        }
                        Err(_) => thread::sleep(Duration::from_millis(5)),
                    }
                }
            })
        };
        Server {
            addr,
            requests,
            stop,
            accept: Some(accept),
        }
    }

    /// `host:port`.
    pub fn authority(&self) -> String {
        self.addr.to_string()
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// `http://127.0.0.1:port` followed by `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// The request targets (path and query) seen so far.
    pub fn requests(&self) -> Vec<String> {
        self.requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
    }
}

/// What a connection's thread shares with the server.
struct Connection {
    requests: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
    handler: Arc<Handler>,
}

impl Connection {
    fn serve(self, stream: TcpStream, tls: Tls) {
        if stream.set_nonblocking(false).is_err()
            || stream
                .set_read_timeout(Some(Duration::from_secs(10)))
                .is_err()
        {
            return;
        }
        match tls {
            None => self.handle(stream),
            Some(config) => {
                let Ok(conn) = rustls::ServerConnection::new(config) else {
                    return;
                };
                self.handle(rustls::StreamOwned::new(conn, stream));
            }
        }
    }

    /// Reads one request, answers it, and closes the connection.
    fn handle(&self, stream: impl Read + Write) {
        let mut reader = BufReader::new(stream);
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).is_err() {
            return;
        }
        loop {
            let mut header = String::new();
            match reader.read_line(&mut header) {
                // A header: skip it.
                Ok(n) if n > 2 => {}
                Ok(_) => break,
                Err(_) => return,
            }
        }
        let target = request_line
            .split_whitespace()
            .nth(1)
            .unwrap_or_default()
            .to_string();
        self.requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(target.clone());
        let response = (self.handler)(&Request { target });
        let until = Instant::now() + response.delay;
        while Instant::now() < until {
            if self.stop.load(Ordering::Relaxed) {
                return;
            }
            thread::sleep(Duration::from_millis(20));
        }
        let mut head = format!("HTTP/1.1 {}\r\n", response.status);
        for (name, value) in &response.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        if response.content_length {
            head.push_str(&format!("Content-Length: {}\r\n", response.body.len()));
        }
        head.push_str("Connection: close\r\n\r\n");
        let mut stream = reader.into_inner();
        let _ = stream.write_all(head.as_bytes());
        let _ = stream.write_all(&response.body);
        let _ = stream.flush();
    }
}
