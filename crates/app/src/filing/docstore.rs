//! Where filed documents' bytes live: content-addressed by SHA-256, written
//! and synced to disk before the docket entry that names them commits, so a
//! document is never lost once its notice is shown.

use std::path::{Path, PathBuf};

use anyhow::Context;
use sha2::{Digest, Sha256};

/// The document store. A local folder today; several nodes share one through
/// a shared file system (an object-store backend is still to come).
#[derive(Debug, Clone)]
pub enum DocumentStore {
    Local(PathBuf),
}

impl Default for DocumentStore {
    fn default() -> Self {
        Self::Local(PathBuf::from("openecf-data/documents"))
    }
}

fn path_of(dir: &Path, sha: &str) -> PathBuf {
    dir.join(sha.get(..2).unwrap_or("00")).join(format!("{sha}.pdf"))
}

impl DocumentStore {
    /// Stores the bytes (once; the same bytes twice are one file) and
    /// returns their SHA-256. The file and its folder are synced before this
    /// returns.
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
        }
    }
}
