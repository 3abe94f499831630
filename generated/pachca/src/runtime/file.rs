//! File contents for multipart bodies, streamed rather than held in memory.
//!
//! A [`FileBody`] is what a `binary` field of a multipart body holds. It is
//! bytes already in memory, a file on disk (opened again and streamed for
//! every attempt, so a retried upload sends the whole file again and memory
//! use does not depend on its size), or any [`AsyncRead`] with a known
//! length, which can be sent once. The length is always known up front:
//! storage services reject uploads without a `Content-Length`.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use tokio::io::AsyncRead;

use super::error::Error;

/// A boxed one-shot reader, taken by the first attempt that sends it.
type SharedReader = Arc<Mutex<Option<Box<dyn AsyncRead + Send + Unpin>>>>;

/// The contents of a file part: bytes, a path streamed from disk, or a reader.
///
/// `Vec<u8>`, [`Bytes`], `&'static [u8]` and `String` convert into it;
/// [`FileBody::path`] streams a file of any size.
#[derive(Clone)]
pub struct FileBody {
    source: Source,
    len: u64,
}

#[derive(Clone)]
enum Source {
    Bytes(Bytes),
    Path(PathBuf),
    Reader(SharedReader),
}

impl FileBody {
    /// Contents already in memory.
    pub fn bytes(data: impl Into<Bytes>) -> Self {
        let data = data.into();
        Self { len: data.len() as u64, source: Source::Bytes(data) }
    }

    /// The file at `path`, streamed from disk when sent (and opened again for
    /// a retry). Its length is read now.
    ///
    /// # Errors
    ///
    /// When the file's metadata cannot be read or it is not a regular file.
    pub async fn path(path: impl AsRef<Path>) -> std::io::Result<Self> {
        let path = path.as_ref();
        let meta = tokio::fs::metadata(path).await?;
        if !meta.is_file() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("{} is not a regular file", path.display()),
            ));
        }
        Ok(Self { len: meta.len(), source: Source::Path(path.to_path_buf()) })
    }

    /// `len` bytes read from `reader` when sent. A reader can be sent once: a
    /// second attempt (a retry) fails with [`Error::Config`]; use
    /// [`FileBody::path`] or bytes where retries matter.
    pub fn reader(reader: impl AsyncRead + Send + Unpin + 'static, len: u64) -> Self {
        Self { len, source: Source::Reader(Arc::new(Mutex::new(Some(Box::new(reader))))) }
    }

    /// The number of bytes that will be sent.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether there are no bytes to send.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The contents as a request body for one attempt.
    pub(super) async fn to_body(&self) -> Result<reqwest::Body, Error> {
        use tokio::io::AsyncReadExt;
        match &self.source {
            Source::Bytes(data) => Ok(reqwest::Body::from(data.clone())),
            Source::Path(path) => {
                let file = tokio::fs::File::open(path).await?;
                Ok(reqwest::Body::wrap_stream(tokio_util::io::ReaderStream::new(file.take(self.len))))
            }
            Source::Reader(shared) => {
                let taken = shared.lock().map_err(|_| Error::Config("a file reader was poisoned by a panic".to_owned()))?.take();
                let reader = taken.ok_or_else(|| {
                    Error::Config(
                        "a file given as a reader was already sent and cannot be sent again; pass a path or bytes to allow retries".to_owned(),
                    )
                })?;
                Ok(reqwest::Body::wrap_stream(tokio_util::io::ReaderStream::new(reader.take(self.len))))
            }
        }
    }
}

impl Default for FileBody {
    fn default() -> Self {
        Self::bytes(Bytes::new())
    }
}

impl fmt::Debug for FileBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match &self.source {
            Source::Bytes(_) => "bytes".to_owned(),
            Source::Path(path) => format!("path {}", path.display()),
            Source::Reader(_) => "reader".to_owned(),
        };
        write!(f, "FileBody({kind}, {} bytes)", self.len)
    }
}

impl PartialEq for FileBody {
    /// Bytes compare by content, paths by path, readers by identity.
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len
            && match (&self.source, &other.source) {
                (Source::Bytes(a), Source::Bytes(b)) => a == b,
                (Source::Path(a), Source::Path(b)) => a == b,
                (Source::Reader(a), Source::Reader(b)) => Arc::ptr_eq(a, b),
                _ => false,
            }
    }
}

impl From<Vec<u8>> for FileBody {
    fn from(data: Vec<u8>) -> Self {
        Self::bytes(data)
    }
}

impl From<Bytes> for FileBody {
    fn from(data: Bytes) -> Self {
        Self::bytes(data)
    }
}

impl From<&'static [u8]> for FileBody {
    fn from(data: &'static [u8]) -> Self {
        Self::bytes(data)
    }
}

impl From<String> for FileBody {
    fn from(text: String) -> Self {
        Self::bytes(text)
    }
}

/// The MIME type for `file_name`, guessed from its extension (with the
/// `mime` feature), `application/octet-stream` when unknown.
pub fn mime_type(file_name: &str) -> String {
    #[cfg(feature = "mime")]
    {
        if let Some(mime) = mime_guess::from_path(file_name).first_raw() {
            return mime.to_owned();
        }
    }
    let _ = file_name;
    "application/octet-stream".to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn collect(body: &FileBody) -> Result<Vec<u8>, Error> {
        use futures::TryStreamExt;
        let body = body.to_body().await?;
        let chunks: Vec<Bytes> = http_body_util::BodyDataStream::new(body)
            .try_collect()
            .await
            .map_err(|e| Error::Config(e.to_string()))?;
        Ok(chunks.concat())
    }

    #[tokio::test]
    async fn a_path_is_streamed_again_for_every_attempt() {
        let dir = std::env::temp_dir().join(format!("sdk-runtime-file-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("notes.txt");
        std::fs::write(&path, "первая строка\n").expect("write");
        let body = FileBody::path(&path).await.expect("metadata");
        assert_eq!(body.len(), "первая строка\n".len() as u64);
        assert_eq!(collect(&body).await.expect("first"), "первая строка\n".as_bytes());
        assert_eq!(collect(&body).await.expect("second"), "первая строка\n".as_bytes());
        assert!(FileBody::path(&dir).await.is_err(), "a directory is not a file");
        std::fs::remove_dir_all(&dir).ok();
    }

    #[tokio::test]
    async fn a_reader_is_sent_once_and_cut_at_its_length() {
        let body = FileBody::reader(&b"0123456789"[..], 4);
        assert_eq!(collect(&body).await.expect("first"), b"0123");
        let again = collect(&body.clone()).await;
        assert!(matches!(again, Err(Error::Config(ref m)) if m.contains("cannot be sent again")), "{again:?}");
    }

    #[test]
    fn bytes_compare_by_content_and_print_their_length() {
        assert_eq!(FileBody::from(b"abc".to_vec()), FileBody::from(&b"abc"[..]));
        assert_ne!(FileBody::from(b"abc".to_vec()), FileBody::from(b"abd".to_vec()));
        assert_eq!(format!("{:?}", FileBody::from(b"abc".to_vec())), "FileBody(bytes, 3 bytes)");
        assert!(FileBody::default().is_empty());
    }

    #[cfg(feature = "mime")]
    #[test]
    fn mime_types_come_from_the_extension() {
        assert_eq!(mime_type("отчёт.PDF"), "application/pdf");
        assert_eq!(mime_type("photo.jpg"), "image/jpeg");
        assert_eq!(mime_type("no-extension"), "application/octet-stream");
    }
}
