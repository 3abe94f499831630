//! A file larger than the memory an upload may use goes to storage streamed:
//! the process's peak resident memory grows by a fraction of the file.
//!
//! Its own test binary, so no other test shares the process whose memory is
//! measured. The loopback server counts the bytes it receives and keeps none.

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

const FILE_SIZE: u64 = 256 * 1024 * 1024;
const MIB: u64 = 1024 * 1024;

/// The peak resident set size of this process (`VmHWM`), in bytes.
fn peak_rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status is readable on Linux");
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).expect("VmHWM in /proc/self/status");
    let kib: u64 = line.split_whitespace().nth(1).and_then(|v| v.parse().ok()).expect("VmHWM in kB");
    kib * 1024
}

/// What the server saw of one request: method, path, declared and received body length.
#[derive(Debug)]
struct Seen {
    method: String,
    path: String,
    content_length: u64,
    received: u64,
}

/// Serves `POST /uploads` (upload parameters pointing at `/storage`) and
/// `POST /storage` (counts and drops the body), one request per connection.
async fn serve(listener: TcpListener, base: String, seen: tokio::sync::mpsc::UnboundedSender<Seen>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else { return };
        let base = base.clone();
        let seen = seen.clone();
        tokio::spawn(async move {
            let mut stream = BufReader::new(stream);
            let mut head = String::new();
            let mut content_length = 0;
            loop {
                let mut line = String::new();
                if stream.read_line(&mut line).await.unwrap_or(0) == 0 {
                    return;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    content_length = v.trim().parse().unwrap_or(0);
                }
                if line == "\r\n" {
                    break;
                }
                head.push_str(&line);
            }
            let mut buf = vec![0u8; 64 * 1024];
            let mut received = 0u64;
            while received < content_length {
                let want = buf.len().min((content_length - received) as usize);
                match stream.read(&mut buf[..want]).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => received += n as u64,
                }
            }
            let mut words = head.split_whitespace();
            let (method, path) = (words.next().unwrap_or_default().to_owned(), words.next().unwrap_or_default().to_owned());
            let response = if path == "/uploads" {
                let body = serde_json::json!({
                    "Content-Disposition": "attachment", "acl": "private", "policy": "p",
                    "x-amz-credential": "c", "x-amz-algorithm": "AWS4-HMAC-SHA256", "x-amz-date": "20250101T000000Z",
                    "x-amz-signature": "s", "key": "attaches/files/1/${filename}", "direct_url": format!("{base}/storage")
                })
                .to_string();
                format!("HTTP/1.1 201 Created\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}", body.len())
            } else {
                "HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n".to_owned()
            };
            let _ = seen.send(Seen { method, path, content_length, received });
            let _ = stream.get_mut().write_all(response.as_bytes()).await;
        });
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_larger_than_the_memory_budget_is_streamed_to_storage() {
    let dir = std::env::temp_dir().join(format!("pachca-upload-stream-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("backup.tar");
    // Sparse: no disk space or page cache needed to create it.
    std::fs::File::create(&path).and_then(|f| f.set_len(FILE_SIZE)).expect("sparse file");

    let listener = TcpListener::bind("127.0.0.1:0").await.expect("loopback");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(serve(listener, base.clone(), tx));
    let client = pachca::Client::builder()
        .token("t")
        .base_url(&base)
        .retry_policy(pachca::RetryPolicy::none())
        .build()
        .expect("client");

    let before = peak_rss();
    let file = client.upload_path(&path).await.expect("uploaded");
    let grew = peak_rss().saturating_sub(before);
    eprintln!("uploading {} MiB raised peak memory by {:.1} MiB", FILE_SIZE / MIB, grew as f64 / MIB as f64);

    assert_eq!((file.key.as_str(), file.name.as_str(), file.size), ("attaches/files/1/backup.tar", "backup.tar", FILE_SIZE));
    assert_eq!(file.mime_type, "application/x-tar");
    let params = rx.recv().await.expect("the upload parameters request");
    assert_eq!((params.method.as_str(), params.path.as_str()), ("POST", "/uploads"));
    let storage = rx.recv().await.expect("the storage request");
    assert_eq!((storage.method.as_str(), storage.path.as_str()), ("POST", "/storage"));
    assert!(storage.content_length > FILE_SIZE, "the form declares its whole length: {storage:?}");
    assert_eq!(storage.received, storage.content_length, "every declared byte arrived");
    assert!(grew < 64 * MIB, "peak memory grew by {} MiB for a {} MiB file", grew / MIB, FILE_SIZE / MIB);
    std::fs::remove_dir_all(&dir).ok();
}
