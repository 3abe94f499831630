//! Starts Prism (`@stoplight/prism-cli`, pinned in `tools/prism/`) on a free
//! loopback port with the pinned spec, for contract tests.

use std::fs::File;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A running Prism mock server; stopped when dropped.
pub struct Prism {
    child: Child,
    port: u16,
    log_path: PathBuf,
    /// The adjusted copy of the spec, removed on drop.
    copy: Option<PathBuf>,
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn required_path(var: &str, default: PathBuf, what: &str, fix: &str) -> PathBuf {
    let path = std::env::var_os(var).map(PathBuf::from).unwrap_or(default);
    assert!(path.exists(), "{what} is needed for this test and is missing at {}: {fix} (or set {var})", path.display());
    path
}

impl Prism {
    /// Starts Prism and waits until it accepts connections. Fails the test,
    /// saying what is missing, when Prism or the spec is not there.
    pub async fn start() -> Prism {
        Prism::start_with(&Prism::spec_path(), |_| ()).await
    }

    /// The pinned spec Prism serves: `PACHCA_SPEC`, else the checkout beside the repository.
    pub fn spec_path() -> PathBuf {
        required_path(
            "PACHCA_SPEC",
            workspace_root().join("../shared/spec/openapi.en.yaml"),
            "The pinned Pachca spec",
            "check out ../shared beside the repository",
        )
    }

    /// [`Prism::start`] with the spec at `spec`, as `adjust` changes it
    /// (the changed copy goes to a temporary file).
    pub async fn start_with(spec: &Path, adjust: impl FnOnce(&mut String)) -> Prism {
        let root = workspace_root();
        let bin = required_path(
            "PACHCA_PRISM",
            root.join("tools/prism/node_modules/.bin/prism"),
            "Prism (the spec-driven mock server)",
            "run `npm ci --prefix tools/prism` (`cargo xtask ci` does it)",
        );
        let mut text = std::fs::read_to_string(spec).unwrap_or_else(|e| panic!("cannot read {}: {e}", spec.display()));
        let original = text.clone();
        adjust(&mut text);
        let copy = (text != original).then(|| {
            let copy = std::env::temp_dir().join(format!("pachca-prism-spec-{}-{}.yaml", std::process::id(), free_port()));
            std::fs::write(&copy, &text).expect("write the adjusted spec");
            copy
        });
        let spec = copy.clone().unwrap_or_else(|| spec.to_path_buf());
        let port = free_port();
        let log_path = std::env::temp_dir().join(format!("pachca-prism-{port}.log"));
        let log = File::create(&log_path).expect("create the Prism log file");
        let log_err = log.try_clone().expect("clone the Prism log handle");
        let child = Command::new(&bin)
            .args(["mock", "-h", "127.0.0.1", "-p", &port.to_string()])
            .arg(&spec)
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_err)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start Prism at {}: {e}", bin.display()));
        let mut prism = Prism { child, port, log_path, copy };
        let deadline = Instant::now() + Duration::from_secs(90);
        loop {
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return prism;
            }
            if let Ok(Some(status)) = prism.child.try_wait() {
                panic!("Prism exited with {status} before accepting connections:\n{}", prism.log());
            }
            assert!(Instant::now() < deadline, "Prism did not accept connections within 90 s:\n{}", prism.log());
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// `http://127.0.0.1:<port>`: use as the client's base URL.
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// What Prism printed so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log_path).unwrap_or_default()
    }

    /// Starts a loopback forwarder to Prism that adds `Authorization: Bearer
    /// <token>` to each request, and returns its base URL.
    pub async fn authorizing_forwarder(&self, token: &str) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind the forwarder");
        let local = listener.local_addr().expect("forwarder address");
        let upstream: SocketAddr = ([127, 0, 0, 1], self.port).into();
        let header = format!("Authorization: Bearer {token}\r\n");
        tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let header = header.clone();
                tokio::spawn(async move {
                    let Ok(mut outbound) = tokio::net::TcpStream::connect(upstream).await else { return };
                    // Read up to the end of the request line, insert the header after it.
                    let mut head = Vec::new();
                    let mut byte = [0u8; 1];
                    while !head.ends_with(b"\r\n") {
                        match inbound.read(&mut byte).await {
                            Ok(1) => head.push(byte[0]),
                            _ => return,
                        }
                    }
                    head.extend_from_slice(header.as_bytes());
                    if outbound.write_all(&head).await.is_err() {
                        return;
                    }
                    let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                });
            }
        });
        format!("http://{local}")
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.log_path);
        if let Some(copy) = &self.copy {
            let _ = std::fs::remove_file(copy);
        }
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}
