//! `chats download-export --save`: the built binary against a loopback
//! server that answers the API's 302 and then serves a 50 MiB archive,
//! written chunk by chunk from a 64 KiB buffer (never held whole). Checks the
//! file (size and every byte), the output, the requests, the overwrite
//! rules, the sanitised server name for a directory, the timeout, and the
//! process's peak memory.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};

mod support;
use support::Home;

/// The archive's size: 50 MiB.
const SIZE: u64 = 50 * 1024 * 1024;

/// The bound on the CLI's peak resident memory while saving it: 50 MB.
const PEAK_RSS_LIMIT_KIB: u64 = 50_000_000 / 1024;

/// The archive's byte at `offset`: a pattern that differs from one 64 KiB
/// block to the next, so a dropped, repeated or reordered chunk shows.
fn byte_at(offset: u64) -> u8 {
    (offset.wrapping_mul(31) ^ (offset >> 16)) as u8
}

fn fill(buf: &mut [u8], start: u64) {
    for (i, b) in buf.iter_mut().enumerate() {
        *b = byte_at(start + i as u64);
    }
}

/// What the storage half of the server sends.
#[derive(Clone)]
struct Storage {
    /// The path the API redirects to (`/storage/...`).
    path: &'static str,
    disposition: Option<&'static str>,
    size: u64,
    /// Stop sending after the first chunk (for the timeout).
    stall: bool,
}

/// A request the server received: its request line and headers (names in
/// lower case).
#[derive(Debug, Clone)]
struct Received {
    line: String,
    headers: Vec<(String, String)>,
}

impl Received {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

struct Server {
    base: String,
    received: Arc<Mutex<Vec<Received>>>,
}

impl Server {
    fn received(&self) -> Vec<Received> {
        self.received.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

/// `GET /chats/exports/{id}` answers 302 to the storage URL (with a
/// signature in the query, as pre-signed URLs have); the storage URL answers
/// the archive. One thread per connection, `connection: close`.
fn serve(storage: Storage) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let received = Arc::new(Mutex::new(Vec::new()));
    let (log, location) = (Arc::clone(&received), format!("{base}{}?X-Amz-Signature=secret-signature", storage.path));
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let (log, storage, location) = (Arc::clone(&log), storage.clone(), location.clone());
            std::thread::spawn(move || answer(stream, &log, &storage, &location));
        }
    });
    Server { base, received }
}

fn answer(stream: TcpStream, log: &Mutex<Vec<Received>>, storage: &Storage, location: &str) {
    let Ok(read) = stream.try_clone() else { return };
    let mut reader = BufReader::new(read);
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    let mut headers = Vec::new();
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).unwrap_or(0) == 0 || header == "\r\n" {
            break;
        }
        if let Some((name, value)) = header.trim_end().split_once(':') {
            headers.push((name.to_ascii_lowercase(), value.trim().to_owned()));
        }
    }
    let target = line.split(' ').nth(1).unwrap_or_default().to_owned();
    if let Ok(mut log) = log.lock() {
        log.push(Received { line: line.trim_end().to_owned(), headers });
    }
    let mut out = stream;
    if target.starts_with("/chats/exports/") {
        let _ = write!(out, "HTTP/1.1 302 Found\r\nlocation: {location}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
        return;
    }
    if !target.starts_with(storage.path) {
        let _ = write!(out, "HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
        return;
    }
    let mut head = format!("HTTP/1.1 200 OK\r\ncontent-type: application/zip\r\ncontent-length: {}\r\nconnection: close\r\n", storage.size);
    if let Some(d) = storage.disposition {
        head.push_str(&format!("content-disposition: {d}\r\n"));
    }
    head.push_str("\r\n");
    if out.write_all(head.as_bytes()).is_err() {
        return;
    }
    let mut buf = vec![0_u8; 64 * 1024];
    let mut sent = 0_u64;
    while sent < storage.size {
        let n = usize::try_from((storage.size - sent).min(buf.len() as u64)).unwrap_or(buf.len());
        fill(&mut buf[..n], sent);
        if out.write_all(&buf[..n]).is_err() {
            return;
        }
        sent += n as u64;
        if storage.stall {
            let _ = out.flush();
            std::thread::sleep(Duration::from_secs(5));
            return;
        }
    }
}

struct Run {
    code: Option<i32>,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    /// KiB; `None` where the platform does not report it.
    peak_rss_kib: Option<u64>,
}

impl Run {
    fn stdout_json(&self) -> Value {
        serde_json::from_slice(&self.stdout).unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", String::from_utf8_lossy(&self.stdout)))
    }

    fn stderr_json(&self) -> Value {
        let text = String::from_utf8_lossy(&self.stderr);
        serde_json::from_str(text.trim()).unwrap_or_else(|e| panic!("stderr is not one JSON object ({e}): {text}"))
    }
}

/// Runs `pachca args` with a scratch config home and waits for it with
/// `wait4`, whose `rusage` is this child's alone (`ru_maxrss`: its peak
/// resident set), whatever other tests run meanwhile.
fn pachca(home: &Home, args: &[&str]) -> Run {
    let mut child = support::command(home, args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run pachca");
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            bytes
        })
    };
    let stdout = drain(child.stdout.take().map(|p| Box::new(p) as Box<dyn Read + Send>));
    let stderr = drain(child.stderr.take().map(|p| Box::new(p) as Box<dyn Read + Send>));
    let (code, peak_rss_kib) = wait(child);
    Run { code, stdout: stdout.join().expect("stdout"), stderr: stderr.join().expect("stderr"), peak_rss_kib }
}

#[cfg(unix)]
fn wait(child: std::process::Child) -> (Option<i32>, Option<u64>) {
    let pid = libc::pid_t::try_from(child.id()).expect("pid");
    let mut status: libc::c_int = 0;
    // SAFETY: `rusage` is plain data that `wait4` fills in; `pid` is our
    // child, which std has not reaped (nothing waited for it).
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: valid pointers to locals; see above.
        let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if r == pid {
            break;
        }
        assert_eq!(std::io::Error::last_os_error().kind(), std::io::ErrorKind::Interrupted, "wait4 failed");
    }
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    let maxrss = u64::try_from(usage.ru_maxrss).unwrap_or(0);
    // Linux reports KiB, macOS and iOS bytes.
    let kib = if cfg!(any(target_os = "macos", target_os = "ios")) { maxrss / 1024 } else { maxrss };
    (code, Some(kib))
}

#[cfg(not(unix))]
fn wait(mut child: std::process::Child) -> (Option<i32>, Option<u64>) {
    (child.wait().expect("wait").code(), None)
}

/// Checks that `path` is the whole archive of `size` bytes, byte for byte,
/// reading it 1 MiB at a time.
fn assert_archive(path: &Path, size: u64) {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(file.metadata().expect("metadata").len(), size, "{}", path.display());
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let (mut got, mut want) = (vec![0_u8; 1 << 20], vec![0_u8; 1 << 20]);
    let mut offset = 0_u64;
    loop {
        let n = reader.read(&mut got).expect("read");
        if n == 0 {
            break;
        }
        fill(&mut want[..n], offset);
        if got[..n] != want[..n] {
            let at = got[..n].iter().zip(&want[..n]).position(|(a, b)| a != b).unwrap_or(0);
            panic!("{}: wrong byte at offset {}", path.display(), offset + at as u64);
        }
        offset += n as u64;
    }
    assert_eq!(offset, size);
}

/// Files left in `dir` whose name ends with `.part` (temporary downloads).
fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|entries| entries.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).filter(|n| n.ends_with(".part")).collect())
        .unwrap_or_default()
}

fn text(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

fn download(home: &Home, server: &Server, save: &str, extra: &[&str]) -> Run {
    let args = [&["chats", "download-export", "7", "--save", save, "-o", "json", "--token", "t", "--base-url", &server.base], extra].concat();
    pachca(home, &args)
}

/// The 50 MiB archive lands at the path, byte for byte, with the output as
/// before; the token goes to the API, not to the storage (whose signed
/// query stays off stdout); and the process never holds the body: its peak
/// resident set stays under 50 MB.
#[test]
fn a_50_mib_export_is_streamed_to_disk_in_flat_memory() {
    let server = serve(Storage { path: "/storage/exports/7.zip", disposition: Some("attachment; filename=\"chat-export.zip\""), size: SIZE, stall: false });
    let home = Home::new("stream");
    let target = home.0.join("export.zip");
    let run = download(&home, &server, &text(&target), &[]);
    assert_eq!(run.code, Some(0), "{}", String::from_utf8_lossy(&run.stderr));
    assert_eq!(run.stdout_json(), json!({ "saved": text(&target), "bytes": SIZE }));
    assert_archive(&target, SIZE);
    assert_eq!(leftovers(&home.0), Vec::<String>::new());
    let received = server.received();
    assert_eq!(received.len(), 2, "{received:?}");
    assert_eq!(received[0].line, "GET /chats/exports/7 HTTP/1.1");
    assert_eq!(received[0].header("authorization"), Some("Bearer t"));
    assert_eq!(received[1].line, "GET /storage/exports/7.zip?X-Amz-Signature=secret-signature HTTP/1.1");
    assert_eq!(received[1].header("authorization"), None, "the token is not sent to the storage");
    assert!(!String::from_utf8_lossy(&run.stdout).contains("secret-signature"));
    if let Some(peak) = run.peak_rss_kib {
        // Shown with `--nocapture`; `cargo xtask bench` reports the release figure.
        eprintln!("peak RSS of `pachca chats download-export --save` for {} MiB: {:.1} MiB", SIZE >> 20, peak as f64 / 1024.0);
        assert!(peak < PEAK_RSS_LIMIT_KIB, "peak RSS {peak} KiB for a {SIZE}-byte download: the body is held in memory");
    }
}

/// An existing file is refused without `--force` (exit 2, a hint, the file
/// untouched, nothing requested) and replaced with it.
#[test]
fn an_existing_file_is_refused_without_force_and_replaced_with_it() {
    let server = serve(Storage { path: "/storage/7.zip", disposition: None, size: SIZE, stall: false });
    let home = Home::new("force");
    let target = home.0.join("export.zip");
    std::fs::write(&target, b"an older export").expect("write");
    let refused = download(&home, &server, &text(&target), &[]);
    assert_eq!(refused.code, Some(2), "{}", String::from_utf8_lossy(&refused.stderr));
    let err = refused.stderr_json();
    assert_eq!(err["type"], "PACHCA_USAGE_ERROR");
    assert!(err["error"].as_str().unwrap_or_default().contains("already exists"), "{err}");
    assert!(err["hint"].as_str().unwrap_or_default().contains("--force"), "{err}");
    assert!(refused.stdout.is_empty());
    assert_eq!(std::fs::read(&target).expect("read"), b"an older export");
    assert!(server.received().is_empty(), "refused before any request");
    let replaced = download(&home, &server, &text(&target), &["--force"]);
    assert_eq!(replaced.code, Some(0), "{}", String::from_utf8_lossy(&replaced.stderr));
    assert_eq!(replaced.stdout_json(), json!({ "saved": text(&target), "bytes": SIZE }));
    assert_archive(&target, SIZE);
    assert_eq!(leftovers(&home.0), Vec::<String>::new());
}

/// A directory target takes the server's file name, sanitised: a hostile
/// `../../etc/passwd` becomes `passwd` inside the directory (nothing is
/// written above it); the name taken is then refused without `--force`; a
/// missing directory written as `dir/` is a usage error.
#[test]
fn a_directory_target_uses_the_sanitised_server_name() {
    let server = serve(Storage { path: "/storage/7.zip", disposition: Some("attachment; filename=\"../../etc/passwd\""), size: SIZE, stall: false });
    let home = Home::new("dir");
    let dir = home.0.join("a").join("b");
    std::fs::create_dir_all(&dir).expect("dir");
    let run = download(&home, &server, &text(&dir), &[]);
    assert_eq!(run.code, Some(0), "{}", String::from_utf8_lossy(&run.stderr));
    let saved = dir.join("passwd");
    assert_eq!(run.stdout_json(), json!({ "saved": text(&saved), "bytes": SIZE }));
    assert_archive(&saved, SIZE);
    assert!(!home.0.join("etc").exists() && !home.0.join("a").join("etc").exists(), "written outside the directory");
    let names: Vec<String> = std::fs::read_dir(&dir).expect("list").flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(names, vec!["passwd".to_owned()]);
    // The same name again: refused once the server has named it.
    let again = download(&home, &server, &format!("{}/", text(&dir)), &[]);
    assert_eq!(again.code, Some(2), "{}", String::from_utf8_lossy(&again.stderr));
    assert!(again.stderr_json()["hint"].as_str().unwrap_or_default().contains("--force"));
    assert_eq!(leftovers(&dir), Vec::<String>::new());
    let missing = download(&home, &server, &format!("{}/", text(&home.0.join("missing"))), &[]);
    assert_eq!(missing.code, Some(2), "{}", String::from_utf8_lossy(&missing.stderr));
    assert!(missing.stderr_json()["error"].as_str().unwrap_or_default().contains("no such directory"));
}

/// Without `Content-Disposition`, the URL's last segment (decoded) names
/// the file.
#[test]
fn without_a_disposition_the_url_names_the_file() {
    let server = serve(Storage { path: "/storage/chat%20export%2042.zip", disposition: None, size: 1024, stall: false });
    let home = Home::new("url-name");
    let run = download(&home, &server, &format!("{}/", text(&home.0)), &[]);
    assert_eq!(run.code, Some(0), "{}", String::from_utf8_lossy(&run.stderr));
    let saved = home.0.join("chat export 42.zip");
    assert_eq!(run.stdout_json(), json!({ "saved": text(&saved), "bytes": 1024 }));
    assert_archive(&saved, 1024);
}

/// A transfer that stalls fails after `--timeout` seconds: a timeout error
/// (exit 1), and neither the file nor its temporary part is left.
#[test]
fn a_stalled_download_times_out_and_leaves_nothing() {
    let server = serve(Storage { path: "/storage/7.zip", disposition: None, size: SIZE, stall: true });
    let home = Home::new("stall");
    let target = home.0.join("export.zip");
    let started = std::time::Instant::now();
    let run = download(&home, &server, &text(&target), &["--timeout", "1"]);
    assert_eq!(run.code, Some(1), "{}", String::from_utf8_lossy(&run.stderr));
    assert!(started.elapsed() < Duration::from_secs(4), "took {:?}", started.elapsed());
    assert_eq!(run.stderr_json()["type"], "PACHCA_TIMEOUT_ERROR");
    assert!(!target.exists());
    assert_eq!(leftovers(&home.0), Vec::<String>::new());
}
