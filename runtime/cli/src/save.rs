//! `--save PATH`: a redirect's target (`chats download-export`) streamed to
//! disk.
//!
//! The body goes chunk by chunk into a temporary file next to the target,
//! which is renamed into place once complete, so memory stays flat whatever
//! the archive's size and an interrupted download leaves no half file under
//! the target's name. An existing file is kept unless `--force`. When `PATH`
//! is a directory (it exists, or ends with `/`), the file takes the server's
//! name (`Content-Disposition`, else the URL's last segment), stripped of
//! anything that could leave the directory.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::errors::CliError;

/// The name used when the server gives none worth keeping.
pub const FALLBACK_NAME: &str = "export.zip";

/// Where `--save` writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveTarget {
    /// This file.
    File(PathBuf),
    /// The server's file name inside this directory.
    Dir(PathBuf),
}

/// What was written.
#[derive(Debug)]
pub struct Saved {
    pub path: PathBuf,
    pub bytes: u64,
}

/// Reads `--save PATH` before any request is sent: a directory (existing,
/// or written with a trailing separator: then it must exist), else a file
/// that must not exist unless `force`.
pub fn target(save: &str, force: bool) -> Result<SaveTarget, CliError> {
    let path = Path::new(save);
    let dir_syntax = save.ends_with('/') || (cfg!(windows) && save.ends_with('\\'));
    if path.is_dir() {
        return Ok(SaveTarget::Dir(path.to_owned()));
    }
    if dir_syntax {
        return Err(CliError::usage_hint(format!("--save {save}: no such directory"), "create the directory first, or give a file path"));
    }
    if save.is_empty() {
        return Err(CliError::usage("--save needs a path"));
    }
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty() && !p.is_dir()) {
        return Err(CliError::usage(format!("--save {save}: no such directory {}", parent.display())));
    }
    refuse_existing(path, force)?;
    Ok(SaveTarget::File(path.to_owned()))
}

/// An existing file (or link, even a dangling one) at `path` without `force`.
fn refuse_existing(path: &Path, force: bool) -> Result<(), CliError> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => Err(CliError::usage(format!("--save {}: is a directory", path.display()))),
        Ok(_) if !force => Err(CliError::usage_hint(
            format!("--save {}: the file already exists", path.display()),
            "pass --force to replace it, or choose another path",
        )),
        _ => Ok(()),
    }
}

/// A `GET` of a storage URL (a redirect target) under way, without the
/// token: export archives live on pre-signed storage URLs. `timeout` bounds
/// the wait for the response and for each chunk of the body, so a stalled
/// transfer fails while a long one that keeps flowing completes.
pub struct Fetch {
    resp: pachca::reqwest::Response,
    /// The URL's path (its query holds credentials: never printed), for errors.
    path: String,
    timeout: Duration,
}

impl Fetch {
    /// Sends the request (redirects followed) and checks for a success status.
    pub async fn start(url: &str, timeout: Duration, verbose: bool) -> Result<Fetch, CliError> {
        let parsed = pachca::reqwest::Url::parse(url).map_err(|e| CliError::usage(format!("the server redirected to an invalid URL: {e}")))?;
        let shown = format!("{}{}", parsed.origin().ascii_serialization(), parsed.path());
        let path = parsed.path().to_owned();
        // The SDK's builder installs the TLS provider first (reqwest has none of its own).
        let http = pachca::runtime::client::http_client_builder().connect_timeout(timeout).build().map_err(|e| Self::transport(&path, e))?;
        if verbose {
            eprintln!("→ GET {shown}");
        }
        let resp = tokio::time::timeout(timeout, http.get(parsed).send())
            .await
            .map_err(|_| Self::timed_out(&path))?
            .map_err(|e| Self::transport(&path, e))?;
        let status = resp.status();
        if verbose {
            eprintln!("← {} GET {path}", status.as_u16());
        }
        if !status.is_success() {
            return Err(CliError::usage(format!("downloading {shown} answered {status}")));
        }
        Ok(Fetch { resp, path, timeout })
    }

    /// The next chunk of the body, `None` at its end.
    pub async fn chunk(&mut self) -> Result<Option<impl std::ops::Deref<Target = [u8]>>, CliError> {
        tokio::time::timeout(self.timeout, self.resp.chunk())
            .await
            .map_err(|_| Self::timed_out(&self.path))?
            .map_err(|e| Self::transport(&self.path, e))
    }

    fn timed_out(path: &str) -> CliError {
        CliError::Api(pachca::Error::Timeout { request: Box::new(pachca::error::RequestInfo::new(None, "GET", path)) })
    }

    fn transport(path: &str, e: pachca::reqwest::Error) -> CliError {
        if e.is_timeout() {
            Self::timed_out(path)
        } else {
            CliError::Api(pachca::Error::Transport(e))
        }
    }
}

/// `GET url` streamed into `target` (see [`Fetch`]).
pub async fn download(url: &str, target: &SaveTarget, force: bool, timeout: Duration, verbose: bool) -> Result<Saved, CliError> {
    let mut fetch = Fetch::start(url, timeout, verbose).await?;
    let path = match target {
        SaveTarget::File(path) => path.clone(),
        SaveTarget::Dir(dir) => {
            let disposition = fetch.resp.headers().get(pachca::reqwest::header::CONTENT_DISPOSITION).map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
            let path = dir.join(server_file_name(disposition.as_deref(), fetch.resp.url()));
            refuse_existing(&path, force)?;
            path
        }
    };
    let mut part = Part::create(&path)?;
    let mut bytes = 0_u64;
    while let Some(chunk) = fetch.chunk().await? {
        part.file.write_all(&chunk)?;
        bytes += chunk.len() as u64;
    }
    part.commit(&path, force)?;
    Ok(Saved { path, bytes })
}

/// The temporary file a download is written to, removed unless committed.
struct Part {
    file: File,
    path: PathBuf,
    committed: bool,
}

impl Part {
    /// A new file beside `target` (same directory, so the rename is atomic).
    fn create(target: &Path) -> Result<Part, CliError> {
        let dir = match target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
            _ => PathBuf::from("."),
        };
        // Short enough that the temporary name stays within 255 bytes.
        let name: String = target.file_name().map(|n| n.to_string_lossy().chars().take(64).collect()).unwrap_or_default();
        let mut last = None;
        for attempt in 0..100_u32 {
            let path = dir.join(format!(".{name}.{}-{attempt}.part", std::process::id()));
            match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(file) => return Ok(Part { file, path, committed: false }),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = Some(e),
                Err(e) => return Err(CliError::usage(format!("--save: cannot write in {}: {e}", dir.display()))),
            }
        }
        Err(last.map_or_else(|| CliError::internal("no temporary file"), CliError::Io))
    }

    /// Flushes the file and gives it the name `target`: never over an
    /// existing file unless `force` (a hard link fails if the name is taken,
    /// even when the file appeared during the download).
    fn commit(mut self, target: &Path, force: bool) -> Result<(), CliError> {
        self.file.sync_all()?;
        if force {
            std::fs::rename(&self.path, target)?;
        } else {
            match std::fs::hard_link(&self.path, target) {
                Ok(()) => {
                    let _ = std::fs::remove_file(&self.path);
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return refuse_existing(target, false),
                // A file system without hard links: check, then rename.
                Err(_) => {
                    refuse_existing(target, false)?;
                    std::fs::rename(&self.path, target)?;
                }
            }
        }
        self.committed = true;
        Ok(())
    }
}

impl Drop for Part {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// The file name the server gives: `Content-Disposition`'s `filename*` or
/// `filename`, else the URL's last path segment; made safe by
/// [`safe_file_name`], else [`FALLBACK_NAME`].
pub fn server_file_name(disposition: Option<&str>, url: &pachca::reqwest::Url) -> String {
    let from_header = disposition.and_then(disposition_file_name).and_then(|n| safe_file_name(&n));
    let from_url = || url.path_segments().and_then(|mut s| s.next_back()).map(|s| percent_decode(s, true)).and_then(|n| safe_file_name(&n));
    from_header.or_else(from_url).unwrap_or_else(|| FALLBACK_NAME.to_owned())
}

/// `filename*=UTF-8''...` (RFC 6266 / 5987) or `filename=...` of a
/// `Content-Disposition` value, unsanitised.
pub fn disposition_file_name(value: &str) -> Option<String> {
    let mut plain = None;
    let mut extended = None;
    for (name, raw) in disposition_params(value) {
        match name.to_ascii_lowercase().as_str() {
            "filename*" => {
                // charset'language'percent-encoded
                let mut parts = raw.splitn(3, '\'');
                let (charset, _, encoded) = (parts.next()?, parts.next()?, parts.next()?);
                extended = Some(percent_decode(encoded, charset.eq_ignore_ascii_case("utf-8")));
            }
            "filename" => plain = Some(raw),
            _ => {}
        }
    }
    extended.or(plain).filter(|n| !n.is_empty())
}

/// The `name=value` parameters after the disposition type, quoted strings
/// unescaped.
fn disposition_params(value: &str) -> Vec<(String, String)> {
    let mut params = Vec::new();
    let mut chars = value.chars().peekable();
    // Skip the type (`attachment`).
    for c in chars.by_ref() {
        if c == ';' {
            break;
        }
    }
    loop {
        let name: String = chars.by_ref().take_while(|c| *c != '=').collect();
        let name = name.trim_matches(|c: char| c == ';' || c.is_whitespace()).to_owned();
        if name.is_empty() {
            return params;
        }
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let mut text = String::new();
        if chars.next_if_eq(&'"').is_some() {
            while let Some(c) = chars.next() {
                match c {
                    '\\' => text.extend(chars.next()),
                    '"' => break,
                    c => text.push(c),
                }
            }
            // Up to the next parameter.
            for c in chars.by_ref() {
                if c == ';' {
                    break;
                }
            }
        } else {
            text = chars.by_ref().take_while(|c| *c != ';').collect::<String>().trim().to_owned();
        }
        params.push((name, text));
    }
}

/// `%xx` decoded; as UTF-8 when `utf8` (invalid bytes replaced), else as
/// ISO-8859-1.
fn percent_decode(text: &str, utf8: bool) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1).copied().and_then(hex), bytes.get(i + 2).copied().and_then(hex)) {
            (b'%', Some(hi), Some(lo)) => {
                out.push(u8::try_from(hi * 16 + lo).unwrap_or(b'_'));
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    if utf8 {
        String::from_utf8_lossy(&out).into_owned()
    } else {
        out.iter().map(|b| char::from(*b)).collect()
    }
}

/// `name` as a plain file name inside the target directory, or `None` when
/// nothing usable is left: only its last component (no `/` or `\`), no
/// control characters, none of `< > : " | ? *`, no leading dots (so never
/// `..`), no trailing dots or spaces, no Windows device name, at most 255
/// bytes.
pub fn safe_file_name(name: &str) -> Option<String> {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control())
        .map(|c| if matches!(c, '<' | '>' | ':' | '"' | '|' | '?' | '*') { '_' } else { c })
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').trim_end_matches(['.', ' ']);
    if cleaned.is_empty() {
        return None;
    }
    let stem = cleaned.split('.').next().unwrap_or_default().to_ascii_uppercase();
    let device = matches!(stem.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || ((stem.starts_with("COM") || stem.starts_with("LPT")) && stem.len() == 4 && stem.ends_with(|c: char| c.is_ascii_digit()));
    let mut out = if device { format!("_{cleaned}") } else { cleaned.to_owned() };
    if out.len() > 255 {
        // Keep the extension (`.zip`) when cutting a long name.
        let ext = out.rfind('.').map(|i| out[i..].to_owned()).filter(|e| e.len() <= 16).unwrap_or_default();
        let mut cut = 255 - ext.len();
        while !out.is_char_boundary(cut) {
            cut -= 1;
        }
        out.truncate(cut);
        out.push_str(&ext);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> pachca::reqwest::Url {
        pachca::reqwest::Url::parse(text).expect("url")
    }

    #[test]
    fn hostile_names_stay_inside_the_directory() {
        assert_eq!(safe_file_name("../../etc/passwd").as_deref(), Some("passwd"));
        assert_eq!(safe_file_name("..\\..\\boot.ini").as_deref(), Some("boot.ini"));
        assert_eq!(safe_file_name("/abs/path.zip").as_deref(), Some("path.zip"));
        assert_eq!(safe_file_name(".."), None);
        assert_eq!(safe_file_name("."), None);
        assert_eq!(safe_file_name("dir/"), None);
        assert_eq!(safe_file_name("..hidden.zip").as_deref(), Some("hidden.zip"));
        assert_eq!(safe_file_name("a\u{0}b\r\n\u{1b}[31mc.zip").as_deref(), Some("ab[31mc.zip"));
        assert_eq!(safe_file_name("what?.zip").as_deref(), Some("what_.zip"));
        assert_eq!(safe_file_name("export. . ").as_deref(), Some("export"));
        assert_eq!(safe_file_name("NUL.zip").as_deref(), Some("_NUL.zip"));
        assert_eq!(safe_file_name("com1").as_deref(), Some("_com1"));
        assert_eq!(safe_file_name("Экспорт 2025.zip").as_deref(), Some("Экспорт 2025.zip"));
        let long = format!("{}.zip", "я".repeat(200));
        let cut = safe_file_name(&long).expect("a name");
        assert!(cut.len() <= 255 && cut.ends_with("я.zip"), "{cut}");
    }

    #[test]
    fn content_disposition_forms() {
        assert_eq!(disposition_file_name("attachment; filename=\"export 1.zip\"").as_deref(), Some("export 1.zip"));
        assert_eq!(disposition_file_name("attachment; filename=plain.zip; size=5").as_deref(), Some("plain.zip"));
        assert_eq!(disposition_file_name("attachment; filename=\"a\\\"b;c.zip\"; x=1").as_deref(), Some("a\"b;c.zip"));
        let both = "attachment; filename=\"fallback.zip\"; filename*=UTF-8''%D0%AD%D0%BA%D1%81%D0%BF%D0%BE%D1%80%D1%82.zip";
        assert_eq!(disposition_file_name(both).as_deref(), Some("Экспорт.zip"));
        assert_eq!(disposition_file_name("attachment; FILENAME*=iso-8859-1'en'%E9t%E9.zip").as_deref(), Some("été.zip"));
        assert_eq!(disposition_file_name("attachment"), None);
        assert_eq!(disposition_file_name("inline; filename=\"\""), None);
    }

    #[test]
    fn the_name_comes_from_the_header_then_the_url_then_the_fallback() {
        let u = url("https://storage.example/exports/chat%20export.zip?X-Amz-Signature=abc");
        assert_eq!(server_file_name(Some("attachment; filename=\"../../etc/passwd\""), &u), "passwd");
        assert_eq!(server_file_name(None, &u), "chat export.zip");
        assert_eq!(server_file_name(Some("attachment; filename=\"..\""), &u), "chat export.zip");
        assert_eq!(server_file_name(None, &url("https://storage.example/")), FALLBACK_NAME);
        assert_eq!(server_file_name(None, &url("https://storage.example/a/%2E%2E")), FALLBACK_NAME);
        assert_eq!(server_file_name(None, &url("https://storage.example/a/..%2F..%2Fx.zip")), "x.zip");
    }

    #[test]
    fn targets() {
        let dir = std::env::temp_dir().join(format!("pachca-save-unit-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let file = dir.join("taken.zip");
        std::fs::write(&file, b"old").expect("write");
        let text = |p: &Path| p.to_string_lossy().into_owned();
        assert_eq!(target(&text(&dir), false).ok(), Some(SaveTarget::Dir(dir.clone())));
        assert_eq!(target(&format!("{}/", text(&dir)), false).ok(), Some(SaveTarget::Dir(PathBuf::from(format!("{}/", text(&dir))))));
        let missing = target(&format!("{}/", text(&dir.join("nope"))), false).expect_err("no such directory");
        assert_eq!(missing.exit_code(), 2);
        let taken = target(&text(&file), false).expect_err("exists");
        assert_eq!(taken.exit_code(), 2);
        assert!(taken.to_json()["hint"].as_str().unwrap_or_default().contains("--force"));
        assert_eq!(target(&text(&file), true).ok(), Some(SaveTarget::File(file.clone())));
        assert_eq!(target(&text(&dir.join("new.zip")), false).ok(), Some(SaveTarget::File(dir.join("new.zip"))));
        assert_eq!(target("export.zip", false).ok(), Some(SaveTarget::File(PathBuf::from("export.zip"))));
        assert_eq!(target(&text(&dir.join("nope").join("new.zip")), false).map_err(|e| e.exit_code()), Err(2));
        assert_eq!(target("", false).map_err(|e| e.exit_code()), Err(2));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
