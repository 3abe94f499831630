//! Benchmark: list every item of a paginated endpoint (10 000 users, pages
//! of 50) from a loopback HTTP server this benchmark starts itself, through
//! the generated `list_users_stream`, against a raw `reqwest` +
//! `serde_json::Value` loop doing the same requests, in the same run. Also
//! the peak heap while streaming 10 000 and 20 000 items, which should not
//! grow with the item count.
//!
//! `cargo bench -p pachca --bench pagination [-- RUNS]` (part of `cargo xtask bench`).

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use futures::StreamExt;
use pachca::params::ListUsersParams;

/// Counts live and peak heap bytes.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const PAGE: usize = 50;

const USER: &str = r#"{"id": 12, "first_name": "Oleg", "last_name": "Petrov", "nickname": "olegpetrov", "email": "olegp@example.com", "phone_number": "+79001234567", "department": "Product", "title": "CIO", "role": "admin", "suspended": false, "invite_status": "confirmed", "inviter_id": 185, "list_tags": ["Product", "Design"], "custom_properties": [{"id": 1678, "name": "City", "data_type": "string", "value": "Saint Petersburg"}], "user_status": {"emoji": "x", "title": "Very busy", "expires_at": "2024-04-08T10:00:00.000Z", "is_away": false, "away_message": {"text": "On vacation"}}, "bot": false, "sso": false, "created_at": "2020-06-08T09:32:57.000Z", "last_activity_at": "2025-01-20T13:40:07.000Z", "time_zone": "Europe/Moscow", "image_url": "https://app.pachca.com/users/12/photo.jpg"}"#;

/// The body of page `n` of `pages`: 50 users and the next cursor (`p<n+1>`).
fn page_body(n: usize, pages: usize) -> String {
    let users = vec![USER; PAGE].join(",");
    let next = if n + 1 < pages { format!("p{}", n + 1) } else { String::new() };
    format!(r#"{{"data":[{users}],"meta":{{"paginate":{{"next_page":"{next}"}}}}}}"#)
}

/// A keep-alive HTTP/1.1 server on loopback answering `/users?cursor=pN`.
fn serve(pages: usize) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    // Bodies are built once, so the server costs the same for both clients.
    let bodies: Vec<String> = (0..pages).map(|n| page_body(n, pages)).collect();
    let bodies = std::sync::Arc::new(bodies);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let bodies = bodies.clone();
            std::thread::spawn(move || handle(stream, &bodies));
        }
    });
    format!("http://{addr}")
}

fn handle(stream: TcpStream, bodies: &[String]) {
    let _ = stream.set_nodelay(true);
    let mut reader = BufReader::new(match stream.try_clone() {
        Ok(s) => s,
        Err(_) => return,
    });
    let mut writer = stream;
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
            return;
        }
        let mut content_length = 0;
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).unwrap_or(0) == 0 {
                return;
            }
            if header == "\r\n" {
                break;
            }
            if let Some(v) = header.to_ascii_lowercase().strip_prefix("content-length:") {
                content_length = v.trim().parse().unwrap_or(0);
            }
        }
        let mut sink = vec![0; content_length];
        let _ = reader.read_exact(&mut sink);
        let page = request_line
            .split_whitespace()
            .nth(1)
            .and_then(|target| target.split("cursor=p").nth(1))
            .and_then(|n| n.split('&').next())
            .and_then(|n| n.parse::<usize>().ok())
            .unwrap_or(0);
        let body = bodies.get(page).map(String::as_str).unwrap_or("{}");
        let head = format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n", body.len());
        if writer.write_all(head.as_bytes()).and_then(|_| writer.write_all(body.as_bytes())).is_err() {
            return;
        }
    }
}

async fn sdk_stream(client: &pachca::Client) -> usize {
    let stream = client.users().list_users_stream(ListUsersParams::default().limit(PAGE as i32));
    let mut stream = std::pin::pin!(stream);
    let mut n = 0;
    while let Some(user) = stream.next().await {
        std::hint::black_box(user.expect("user"));
        n += 1;
    }
    n
}

async fn raw_loop(http: &reqwest::Client, base: &str) -> usize {
    let mut n = 0;
    let mut cursor: Option<String> = None;
    loop {
        let mut url = format!("{base}/users?limit={PAGE}");
        if let Some(c) = &cursor {
            url.push_str(&format!("&cursor={c}"));
        }
        let body: serde_json::Value = http.get(&url).bearer_auth("bench").send().await.expect("send").json().await.expect("json");
        let items = body["data"].as_array().map(Vec::len).unwrap_or(0);
        n += items;
        std::hint::black_box(&body);
        match body["meta"]["paginate"]["next_page"].as_str() {
            Some(c) if !c.is_empty() && items > 0 => cursor = Some(c.to_owned()),
            _ => return n,
        }
    }
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let runs: usize = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(15);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let items = 10_000;
    let base = serve(items / PAGE);
    let client = pachca::Client::builder().token("bench").base_url(&base).build().expect("client");
    let http = reqwest::Client::new();
    runtime.block_on(async {
        // Warm up connections and code paths.
        assert_eq!(sdk_stream(&client).await, items);
        assert_eq!(raw_loop(&http, &base).await, items);
        let (mut sdk, mut raw) = (Vec::new(), Vec::new());
        for _ in 0..runs {
            let t = Instant::now();
            assert_eq!(sdk_stream(&client).await, items);
            sdk.push(t.elapsed());
            let t = Instant::now();
            assert_eq!(raw_loop(&http, &base).await, items);
            raw.push(t.elapsed());
        }
        let (sdk_med, raw_med) = (median(sdk.clone()), median(raw.clone()));
        let rate = |d: Duration| items as f64 / d.as_secs_f64();
        println!("pagination: {items} items, pages of {PAGE}, {runs} runs each (median / min / max)");
        for (name, v, med) in [("sdk list_users_stream", &sdk, sdk_med), ("raw reqwest + Value", &raw, raw_med)] {
            println!(
                "  {name:<22} {:>8.1} ms  {:>8.1} ms  {:>8.1} ms   {:>9.0} items/s",
                med.as_secs_f64() * 1e3,
                v.iter().min().map(|d| d.as_secs_f64() * 1e3).unwrap_or_default(),
                v.iter().max().map(|d| d.as_secs_f64() * 1e3).unwrap_or_default(),
                rate(med)
            );
        }
        println!("  sdk / raw throughput: {:.2}x", rate(sdk_med) / rate(raw_med));
    });
    for total in [10_000usize, 20_000] {
        let base = serve(total / PAGE);
        let client = pachca::Client::builder().token("bench").base_url(&base).build().expect("client");
        runtime.block_on(async {
            let before = LIVE.load(Ordering::Relaxed);
            PEAK.store(before, Ordering::Relaxed);
            assert_eq!(sdk_stream(&client).await, total);
            let peak = PEAK.load(Ordering::Relaxed) - before;
            println!("  peak heap while streaming {total:>6} items: {:>7.1} KiB", peak as f64 / 1024.0);
        });
    }
}
