//! The runtime half of `cargo xtask bench`: the SDK's pagination benchmark
//! (a `cargo bench` target of the generated crate) and the `pachca` CLI's
//! start-up, one list call against a loopback server, a 50 MiB export saved
//! with `--save` (time and peak memory), and binary size.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Goals from the performance issue.
const GOAL_HELP_MS: f64 = 10.0;
const GOAL_BINARY_MB: f64 = 12.0;
/// `--save` streams: the peak resident set stays under the archive's size.
const GOAL_DOWNLOAD_RSS_MB: f64 = 50.0;

/// The export archive `chats download-export --save` fetches: 50 MiB.
const EXPORT_BYTES: u64 = 50 * 1024 * 1024;

fn median_ms(mut samples: Vec<Duration>) -> (f64, f64, f64) {
    samples.sort();
    let ms = |d: &Duration| d.as_secs_f64() * 1e3;
    let n = samples.len();
    let median = if n % 2 == 1 { ms(&samples[n / 2]) } else { (ms(&samples[n / 2 - 1]) + ms(&samples[n / 2])) / 2.0 };
    (median, samples.first().map(ms).unwrap_or_default(), samples.last().map(ms).unwrap_or_default())
}

/// `cargo bench -p pachca --bench pagination`.
pub fn sdk(root: &Path, cargo: &str) -> Result<(), String> {
    println!();
    println!("==> SDK pagination, release build: cargo bench -p pachca --bench pagination");
    let status = Command::new(cargo)
        .args(["bench", "--quiet", "-p", "pachca", "--bench", "pagination"])
        .current_dir(root)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err("the SDK pagination benchmark failed".to_owned())
    }
}

/// A loopback HTTP/1.1 server answering every request with one page of users.
fn serve_users() -> Result<String, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("bind: {e}"))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let user = r#"{"id":12,"first_name":"Oleg","last_name":"Petrov","nickname":"olegpetrov","email":"olegp@example.com","phone_number":"+79001234567","department":"Product","title":"CIO","role":"admin","suspended":false,"invite_status":"confirmed","inviter_id":185,"list_tags":["Product"],"custom_properties":[],"user_status":null,"bot":false,"sso":false,"created_at":"2020-06-08T09:32:57.000Z","last_activity_at":"2025-01-20T13:40:07.000Z","time_zone":"Europe/Moscow","image_url":null}"#;
    let body = format!(r#"{{"data":[{}],"meta":{{"paginate":{{"next_page":""}}}}}}"#, vec![user; 50].join(","));
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let body = body.clone();
            std::thread::spawn(move || answer(stream, &body));
        }
    });
    Ok(format!("http://{addr}"))
}

fn answer(stream: TcpStream, body: &str) {
    let Ok(read) = stream.try_clone() else { return };
    let mut reader = BufReader::new(read);
    let mut writer = stream;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        // Skip the headers; the CLI's requests here have no body.
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).unwrap_or(0) == 0 || header == "\r\n" {
                break;
            }
        }
        let head = format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n", body.len());
        if writer.write_all(head.as_bytes()).and_then(|_| writer.write_all(body.as_bytes())).is_err() {
            return;
        }
    }
}

/// A loopback server for `chats download-export`: the API answers 302 to
/// its storage path, which answers [`EXPORT_BYTES`] of zeros written from a
/// 64 KiB buffer. One connection per request.
fn serve_export() -> Result<String, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("bind: {e}"))?;
    let base = format!("http://{}", listener.local_addr().map_err(|e| e.to_string())?);
    let location = format!("{base}/storage/export.zip");
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let location = location.clone();
            std::thread::spawn(move || answer_export(stream, &location));
        }
    });
    Ok(base)
}

fn answer_export(stream: TcpStream, location: &str) {
    let Ok(read) = stream.try_clone() else { return };
    let mut reader = BufReader::new(read);
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).unwrap_or(0) == 0 || header == "\r\n" {
            break;
        }
    }
    let mut out = stream;
    if line.starts_with("GET /chats/exports/") {
        let _ = write!(out, "HTTP/1.1 302 Found\r\nlocation: {location}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
        return;
    }
    let head = format!("HTTP/1.1 200 OK\r\ncontent-type: application/zip\r\ncontent-length: {EXPORT_BYTES}\r\nconnection: close\r\n\r\n");
    if out.write_all(head.as_bytes()).is_err() {
        return;
    }
    let chunk = vec![0_u8; 64 * 1024];
    let mut sent = 0_u64;
    while sent < EXPORT_BYTES {
        if out.write_all(&chunk).is_err() {
            return;
        }
        sent += chunk.len() as u64;
    }
}

/// Runs `command` (output discarded) and returns whether it succeeded and
/// its peak resident set in KiB, from `wait4`'s `rusage` of that child alone.
#[cfg(unix)]
fn run_with_peak(command: &mut Command) -> Result<(bool, Option<u64>), String> {
    let child = command.stdout(Stdio::null()).stderr(Stdio::null()).spawn().map_err(|e| format!("cannot run pachca: {e}"))?;
    let pid = libc::pid_t::try_from(child.id()).map_err(|e| e.to_string())?;
    let mut status: libc::c_int = 0;
    // SAFETY: `rusage` is plain data that `wait4` fills in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: `pid` is our child, not yet reaped (nothing waited for it);
        // the pointers are to live locals.
        let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if r == pid {
            break;
        }
        let e = std::io::Error::last_os_error();
        if e.kind() != std::io::ErrorKind::Interrupted {
            return Err(format!("wait4: {e}"));
        }
    }
    let ok = libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    let maxrss = u64::try_from(usage.ru_maxrss).unwrap_or(0);
    // Linux reports KiB, macOS bytes.
    Ok((ok, Some(if cfg!(target_os = "macos") { maxrss / 1024 } else { maxrss })))
}

#[cfg(not(unix))]
fn run_with_peak(command: &mut Command) -> Result<(bool, Option<u64>), String> {
    let status = command.stdout(Stdio::null()).stderr(Stdio::null()).status().map_err(|e| format!("cannot run pachca: {e}"))?;
    Ok((status.success(), None))
}

/// `pachca chats download-export 7 --save FILE --force` against
/// [`serve_export`], `runs` times after a warm-up: wall times and the
/// largest peak resident set.
fn download(binary: &Path, runs: usize) -> Result<(Vec<Duration>, Option<u64>), String> {
    let base = serve_export()?;
    let dir = std::env::temp_dir().join(format!("pachca-bench-export-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let target = dir.join("export.zip");
    let save = target.to_string_lossy().into_owned();
    let mut samples = Vec::with_capacity(runs);
    let mut peak: Option<u64> = None;
    let result = (|| {
        for i in 0..runs + 1 {
            let t = Instant::now();
            let mut command = Command::new(binary);
            command
                .args(["chats", "download-export", "7", "--save", &save, "--force", "-o", "json", "--token", "bench", "--base-url", &base])
                .env_remove("PACHCA_TOKEN");
            let (ok, rss) = run_with_peak(&mut command)?;
            let elapsed = t.elapsed();
            let size = std::fs::metadata(&target).map(|m| m.len()).unwrap_or(0);
            if !ok || size != EXPORT_BYTES {
                return Err(format!("pachca chats download-export --save failed (saved {size} bytes)"));
            }
            peak = peak.max(rss);
            if i >= 1 {
                samples.push(elapsed);
            }
        }
        Ok(())
    })();
    let _ = std::fs::remove_dir_all(&dir);
    result.map(|()| (samples, peak))
}

/// Release build of the CLI, then its start-up and one call, `runs` times each.
pub fn cli(root: &Path, cargo: &str, runs: usize) -> Result<(), String> {
    println!();
    println!("==> CLI, release build: cargo build --release -p pachca-cli");
    let status = Command::new(cargo)
        .args(["build", "--release", "--quiet", "-p", "pachca-cli"])
        .current_dir(root)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err("building the CLI failed".to_owned());
    }
    let binary = root.join("target/release/pachca");
    let size = std::fs::metadata(&binary).map_err(|e| format!("{}: {e}", binary.display()))?.len() as f64 / (1024.0 * 1024.0);
    let base = serve_users()?;
    let time = |args: &[&str]| -> Result<Vec<Duration>, String> {
        let mut samples = Vec::with_capacity(runs);
        for i in 0..runs + 2 {
            let t = Instant::now();
            let status = Command::new(&binary)
                .args(args)
                .env_remove("PACHCA_TOKEN")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .map_err(|e| format!("cannot run pachca: {e}"))?;
            let elapsed = t.elapsed();
            if !status.success() {
                return Err(format!("pachca {} failed ({status})", args.join(" ")));
            }
            if i >= 2 {
                samples.push(elapsed);
            }
        }
        Ok(samples)
    };
    let help = median_ms(time(&["--help"])?);
    let list = median_ms(time(&["users", "list", "-o", "json", "--token", "bench", "--base-url", &base])?);
    let download_runs = runs.min(10);
    let (download_samples, peak_kib) = download(&binary, download_runs)?;
    let saved = median_ms(download_samples);
    let peak_mb = peak_kib.map(|k| k as f64 * 1024.0 / 1e6);
    println!("| what | median | min | max | command |");
    println!("|---|---|---|---|---|");
    println!("| `pachca --help` | {:.2} ms | {:.2} ms | {:.2} ms | {runs} runs |", help.0, help.1, help.2);
    println!("| `pachca users list -o json` (loopback, 50 users) | {:.2} ms | {:.2} ms | {:.2} ms | {runs} runs |", list.0, list.1, list.2);
    println!(
        "| `pachca chats download-export --save` (loopback, {} MiB) | {:.2} ms | {:.2} ms | {:.2} ms | {download_runs} runs; peak RSS {} |",
        EXPORT_BYTES >> 20,
        saved.0,
        saved.1,
        saved.2,
        peak_mb.map_or_else(|| "not measured on this platform".to_owned(), |mb| format!("{mb:.1} MB"))
    );
    println!("| release binary `target/release/pachca` | {size:.1} MiB | | | thin LTO, stripped |");
    println!(
        "goals: --help ≤ {GOAL_HELP_MS:.0} ms: {}; binary ≤ {GOAL_BINARY_MB:.0} MB: {}; --save peak RSS < {GOAL_DOWNLOAD_RSS_MB:.0} MB: {}",
        if help.0 <= GOAL_HELP_MS { "met" } else { "MISSED" },
        if size <= GOAL_BINARY_MB { "met" } else { "MISSED" },
        match peak_mb {
            Some(mb) if mb < GOAL_DOWNLOAD_RSS_MB => "met",
            Some(_) => "MISSED",
            None => "not measured",
        }
    );
    Ok(())
}
