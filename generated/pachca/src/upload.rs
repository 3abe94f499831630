//! One-call file upload: ask for upload parameters, stream the file to the
//! storage URL, and return what a message attachment needs.

use std::path::Path;

use crate::models::{FileType, FileUploadRequest, MessageCreateRequestMessageFilesItem};
use crate::{Client, Error, FileBody};

/// A file uploaded to Pachca's storage: everything a message attachment
/// needs ([`UploadedFile::attachment`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct UploadedFile {
    /// The storage key to attach (`${filename}` already replaced).
    pub key: String,
    /// The file name shown to users.
    pub name: String,
    /// The size in bytes.
    pub size: u64,
    /// The MIME type sent to the storage, guessed from the name.
    pub mime_type: String,
}

impl UploadedFile {
    /// `image` for an `image/*` MIME type, otherwise `file`.
    pub fn file_type(&self) -> FileType {
        if self.mime_type.starts_with("image/") {
            FileType::Image
        } else {
            FileType::File
        }
    }

    /// The attachment for a new message's `files`: key, name, type and size.
    /// Set `width` and `height` on it for an image shown inline.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when the size does not fit the API's `size` field
    /// (a 32-bit integer, so at most 2 GiB − 1 byte).
    pub fn attachment(&self) -> Result<MessageCreateRequestMessageFilesItem, Error> {
        let size = i32::try_from(self.size).map_err(|_| {
            Error::Config(format!(
                "{} is {} bytes; the API's file size field holds at most {} bytes",
                self.name,
                self.size,
                i32::MAX
            ))
        })?;
        Ok(MessageCreateRequestMessageFilesItem::new(self.key.clone(), self.name.clone(), self.file_type(), size))
    }
}

impl Client {
    /// Uploads `contents` as `file_name` and returns the [`UploadedFile`],
    /// ready to attach to a message.
    ///
    /// Three steps: `POST /uploads` for the upload parameters, `${filename}`
    /// in the returned key replaced by `file_name`, then a multipart `POST` of
    /// the parameters and the file (last) to the returned `direct_url`, which
    /// is a storage URL: the access token is not sent there. The contents are
    /// streamed; pass [`FileBody::path`] (or use [`Client::upload_path`]) to
    /// upload a file larger than memory.
    ///
    /// ```no_run
    /// use pachca::models::{MessageCreateRequest, MessageCreateRequestMessage};
    ///
    /// # async fn run(client: pachca::Client) -> Result<(), pachca::Error> {
    /// let file = client.upload_path("report.pdf").await?;
    /// let mut message = MessageCreateRequestMessage::new(198, "The report");
    /// message.files = Some(vec![file.attachment()?]);
    /// client.messages().create_message(&MessageCreateRequest::new(message)).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn upload_file(&self, file_name: &str, contents: impl Into<FileBody>) -> Result<UploadedFile, Error> {
        let contents = contents.into();
        let size = contents.len();
        let params = self.files().get_upload_params().await?;
        let key = params.key.replace("${filename}", file_name);
        let body = FileUploadRequest::new(
            params.content_disposition,
            params.acl,
            params.policy,
            params.x_amz_credential,
            params.x_amz_algorithm,
            params.x_amz_date,
            params.x_amz_signature,
            key.clone(),
            contents,
        );
        self.files().upload_file(&params.direct_url, &body, file_name).await?;
        Ok(UploadedFile { key, name: file_name.to_owned(), size, mime_type: crate::runtime::file::mime_type(file_name) })
    }

    /// Streams the file at `path` to storage under its file name (see
    /// [`Client::upload_file`]); memory use does not grow with the file.
    pub async fn upload_path(&self, path: impl AsRef<Path>) -> Result<UploadedFile, Error> {
        let path = path.as_ref();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| Error::Config(format!("{} has no file name", path.display())))?;
        let contents = FileBody::path(path).await?;
        self.upload_file(&name, contents).await
    }
}
