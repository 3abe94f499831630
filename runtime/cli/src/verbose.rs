//! `--verbose`: each HTTP attempt the SDK makes, as it happens, on stderr.
//!
//! The SDK opens a `tracing` span per attempt (method, path, attempt number)
//! and records the status code on it when the response arrives; this
//! subscriber prints that line, and the SDK's retry events, so what is shown
//! is what was sent and answered, retries included.

use std::collections::HashMap;
use std::fmt::Debug;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

/// Installs the subscriber for the rest of the process.
pub fn install() {
    // Fails only when one is installed already, which leaves that one in place.
    let _ = tracing::subscriber::set_global_default(Verbose::default());
}

#[derive(Default)]
struct Verbose {
    next_id: AtomicU64,
    /// Open spans: their fields and how many handles point at them.
    spans: Mutex<HashMap<u64, (Attempt, usize)>>,
}

#[derive(Default, Debug)]
struct Attempt {
    method: String,
    path: String,
    attempt: u64,
}

/// Collects the fields this printer shows.
#[derive(Default)]
struct Fields {
    method: Option<String>,
    path: Option<String>,
    attempt: Option<u64>,
    status: Option<u64>,
    message: Option<String>,
    delay: Option<String>,
}

impl Visit for Fields {
    fn record_u64(&mut self, field: &Field, value: u64) {
        match field.name() {
            "attempt" => self.attempt = Some(value),
            "http.status_code" => self.status = Some(value),
            _ => {}
        }
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        if let Ok(value) = u64::try_from(value) {
            self.record_u64(field, value);
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.record_debug(field, &format_args!("{value}"));
    }

    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        let text = format!("{value:?}");
        match field.name() {
            "http.method" => self.method = Some(text),
            "url.path" => self.path = Some(text),
            "message" => self.message = Some(text),
            "delay" => self.delay = Some(text),
            _ => {}
        }
    }
}

impl Fields {
    fn apply(self, attempt: &mut Attempt) -> Option<u64> {
        if let Some(m) = self.method {
            attempt.method = m;
        }
        if let Some(p) = self.path {
            attempt.path = p;
        }
        if let Some(n) = self.attempt {
            attempt.attempt = n;
        }
        self.status
    }
}

impl Verbose {
    fn with_span<R>(&self, id: &Id, f: impl FnOnce(&mut (Attempt, usize)) -> R) -> Option<R> {
        let mut spans = self.spans.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        spans.get_mut(&id.into_u64()).map(f)
    }
}

impl Subscriber for Verbose {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.target().starts_with("pachca")
    }

    fn new_span(&self, attributes: &Attributes<'_>) -> Id {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed) + 1;
        let mut fields = Fields::default();
        attributes.record(&mut fields);
        let mut attempt = Attempt::default();
        fields.apply(&mut attempt);
        self.spans.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).insert(id, (attempt, 1));
        Id::from_u64(id)
    }

    fn record(&self, span: &Id, values: &Record<'_>) {
        let mut fields = Fields::default();
        values.record(&mut fields);
        let line = self.with_span(span, |(attempt, _)| {
            fields.apply(attempt).map(|status| {
                let retry = if attempt.attempt > 1 { format!(" (attempt {})", attempt.attempt) } else { String::new() };
                format!("← {status} {} {}{retry}", attempt.method, attempt.path)
            })
        });
        if let Some(Some(line)) = line {
            eprintln!("{line}");
        }
    }

    fn record_follows_from(&self, _span: &Id, _follows: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut fields = Fields::default();
        event.record(&mut fields);
        if let Some(message) = fields.message {
            match fields.delay {
                Some(delay) => eprintln!("  {message} in {delay}"),
                None => eprintln!("  {message}"),
            }
        }
    }

    fn enter(&self, _span: &Id) {}

    fn exit(&self, _span: &Id) {}

    fn clone_span(&self, id: &Id) -> Id {
        self.with_span(id, |(_, handles)| *handles += 1);
        id.clone()
    }

    fn try_close(&self, id: Id) -> bool {
        let mut spans = self.spans.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let closed = match spans.get_mut(&id.into_u64()) {
            Some((_, handles)) => {
                *handles -= 1;
                *handles == 0
            }
            None => false,
        };
        if closed {
            spans.remove(&id.into_u64());
        }
        closed
    }
}
