//! Where filed documents' bytes live: content-addressed by SHA-256, stored
//! durably before the docket entry that names them commits, so a document is
//! never lost once its notice is shown.
//!
//! Two backends: a local folder (the default; each file written, synced and
//! renamed into place, its folder synced), and an object store (S3 or an
//! S3-compatible service such as MinIO or Ceph, through the `object_store`
//! crate), which several nodes share. An object store's PUT is durable when
//! it answers, so the same guarantee holds there.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use object_store::{path::Path as ObjectPath, ObjectStore, ObjectStoreExt, PutPayload};
use sha2::{Digest, Sha256};

/// The document store.
#[derive(Debug, Clone)]
pub enum DocumentStore {
    /// A folder on this machine (or a shared file system).
    Local(PathBuf),
    /// An object store, by URL: `s3://bucket/prefix` (credentials, region and
    /// endpoint from the `AWS_*` environment variables), or `file:///path`.
    Object {
        store: Arc<dyn ObjectStore>,
        prefix: ObjectPath,
        url: String,
    },
}

impl Default for DocumentStore {
    fn default() -> Self {
        Self::Local(PathBuf::from("openecf-data/documents"))
    }
}

fn path_of(dir: &Path, sha: &str) -> PathBuf {
    dir.join(sha.get(..2).unwrap_or("00")).join(format!("{sha}.pdf"))
}

fn object_of(prefix: &ObjectPath, sha: &str) -> ObjectPath {
    prefix
        .clone()
        .join(sha.get(..2).unwrap_or("00"))
        .join(format!("{sha}.pdf").as_str())
}

impl DocumentStore {
    /// An object-store backend from its URL (`s3://bucket/prefix`,
    /// `file:///absolute/path`). S3 settings come from `AWS_ACCESS_KEY_ID`,
    /// `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`, `AWS_ENDPOINT` (an
    /// S3-compatible service) and `AWS_ALLOW_HTTP`.
    pub fn from_url(raw: &str) -> anyhow::Result<Self> {
        let url = url::Url::parse(raw).with_context(|| format!("not a URL: {raw:?}"))?;
        if !matches!(url.scheme(), "s3" | "file") {
            anyhow::bail!("a document store URL begins s3:// or file://, not {}://", url.scheme());
        }
        let options = std::env::vars()
            .filter(|(k, _)| k.starts_with("AWS_"))
            .map(|(k, v)| (k.to_ascii_lowercase(), v));
        let (store, prefix) = object_store::parse_url_opts(&url, options)
            .with_context(|| format!("cannot use the document store {raw}"))?;
        Ok(Self::Object {
            store: Arc::from(store),
            prefix,
            url: raw.to_owned(),
        })
    }

    /// Where documents are kept, for the operator.
    pub fn describe(&self) -> String {
        match self {
            Self::Local(dir) => dir.display().to_string(),
            Self::Object { url, .. } => url.clone(),
        }
    }

    /// Stores the bytes (once; the same bytes twice are one object) and
    /// returns their SHA-256. They are durable before this returns.
    pub async fn put(&self, bytes: &[u8]) -> anyhow::Result<String> {
        let sha = hex::encode(Sha256::digest(bytes));
        match self {
            Self::Local(dir) => {
                let path = path_of(dir, &sha);
                if tokio::fs::try_exists(&path).await.unwrap_or(false) {
                    return Ok(sha);
                }
                let folder = path.parent().unwrap_or(dir).to_path_buf();
                tokio::fs::create_dir_all(&folder)
                    .await
                    .with_context(|| format!("cannot create {}", folder.display()))?;
                let partial = folder.join(format!(
                    ".{sha}.{}.partial",
                    crate::tokens::random_token().get(..8).unwrap_or("x")
                ));
                let data = bytes.to_vec();
                let (partial2, path2, folder2) = (partial.clone(), path.clone(), folder.clone());
                tokio::task::spawn_blocking(move || -> std::io::Result<()> {
                    use std::io::Write;
                    let mut f = std::fs::File::create(&partial2)?;
                    f.write_all(&data)?;
                    f.sync_all()?;
                    std::fs::rename(&partial2, &path2)?;
                    std::fs::File::open(&folder2)?.sync_all()
                })
                .await
                .context("the document writer stopped")?
                .with_context(|| format!("cannot write {}", path.display()))?;
                Ok(sha)
            }
            Self::Object { store, prefix, url } => {
                let object = object_of(prefix, &sha);
                match store.head(&object).await {
                    Ok(_) => return Ok(sha),
                    Err(object_store::Error::NotFound { .. }) => {}
                    Err(e) => return Err(e).with_context(|| format!("cannot reach the document store {url}")),
                }
                store
                    .put(&object, PutPayload::from(bytes.to_vec()))
                    .await
                    .with_context(|| format!("cannot write {object} to {url}"))?;
                Ok(sha)
            }
        }
    }

    /// The bytes of a stored document.
    pub async fn get(&self, sha: &str) -> anyhow::Result<Vec<u8>> {
        if sha.len() != 64 || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
            anyhow::bail!("not a document id: {sha:?}");
        }
        match self {
            Self::Local(dir) => {
                let path = path_of(dir, sha);
                tokio::fs::read(&path)
                    .await
                    .with_context(|| format!("cannot read {}", path.display()))
            }
            Self::Object { store, prefix, url } => {
                let object = object_of(prefix, sha);
                let found = store
                    .get(&object)
                    .await
                    .with_context(|| format!("cannot read {object} from {url}"))?;
                Ok(found
                    .bytes()
                    .await
                    .with_context(|| format!("cannot read {object} from {url}"))?
                    .to_vec())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_object_store_backend_keeps_each_document_once_by_its_hash() {
        let dir = openecf_store::testkit::TempDir::new().unwrap();
        let store = DocumentStore::from_url(&format!("file://{}/docs", dir.path().display())).unwrap();
        std::fs::create_dir_all(dir.path().join("docs")).unwrap();
        let sha = store.put(b"%PDF-1.7 one").await.unwrap();
        assert_eq!(sha, hex::encode(Sha256::digest(b"%PDF-1.7 one")));
        assert_eq!(store.put(b"%PDF-1.7 one").await.unwrap(), sha);
        assert_eq!(store.get(&sha).await.unwrap(), b"%PDF-1.7 one");
        let on_disk = dir.path().join("docs").join(&sha[..2]).join(format!("{sha}.pdf"));
        assert_eq!(std::fs::read(on_disk).unwrap(), b"%PDF-1.7 one");
        let missing = hex::encode(Sha256::digest(b"never stored"));
        assert!(store.get(&missing).await.is_err());
        assert!(store.get("../../etc/passwd").await.is_err());
        assert!(DocumentStore::from_url("ftp://example.com/x").is_err());
        assert!(DocumentStore::from_url("not a url").is_err());
    }
}
