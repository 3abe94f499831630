//! One-call file upload: ask for upload parameters, send the file to the
//! storage URL, return the key to attach to a message.

use std::path::Path;

use crate::models::FileUploadRequest;
use crate::{Client, Error};

impl Client {
    /// Uploads `data` as `file_name` and returns the file's `key`, ready to
    /// attach to a message (`MessageCreateRequestMessageFilesItem`).
    ///
    /// Three steps: `POST /uploads` for the upload parameters, `${filename}`
    /// in the returned key replaced by `file_name`, then a multipart `POST` of
    /// the parameters and the file (last) to the returned `direct_url`, which
    /// is a storage URL: the access token is not sent there.
    ///
    /// ```no_run
    /// # async fn run(client: pachca::Client) -> Result<(), pachca::Error> {
    /// let key = client.upload_file("report.pdf", std::fs::read("report.pdf")?).await?;
    /// println!("attach {key}");
    /// # Ok(())
    /// # }
    /// ```
    pub async fn upload_file(&self, file_name: &str, data: impl Into<Vec<u8>>) -> Result<String, Error> {
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
            data,
        );
        self.files().upload_file(&params.direct_url, &body, file_name).await?;
        Ok(key)
    }

    /// Reads the file at `path` and uploads it under its file name (see
    /// [`Client::upload_file`]).
    pub async fn upload_path(&self, path: impl AsRef<Path>) -> Result<String, Error> {
        let path = path.as_ref();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| Error::Config(format!("{} has no file name", path.display())))?;
        let data = tokio::fs::read(path).await?;
        self.upload_file(&name, data).await
    }
}
