//! The NextGen PDF check: a filed document must be a well-formed PDF with
//! pages, without JavaScript, launch actions, embedded files, encryption or
//! a password. Each refusal has the message filers know.

use lopdf::{Document, Object};

/// Why a PDF cannot be accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PdfRefusal {
    #[error("This PDF document cannot be accepted: the file is not a PDF document.")]
    NotPdf,
    #[error("This PDF document cannot be accepted: the file is damaged or is not a valid PDF.")]
    Malformed,
    #[error("This PDF document cannot be accepted: it is encrypted or protected by a password. Save it without a password and file it again.")]
    Encrypted,
    #[error("This PDF document cannot be accepted: it contains JavaScript.")]
    JavaScript,
    #[error("This PDF document cannot be accepted: it contains an action that launches another program.")]
    Launch,
    #[error("This PDF document cannot be accepted: it has files embedded in it.")]
    EmbeddedFiles,
    #[error("This PDF document cannot be accepted: it has no pages.")]
    NoPages,
    #[error("This PDF document cannot be accepted: it is larger than the court's limit of {limit_mb} MB.")]
    TooLarge { limit_mb: u64 },
    #[error("This PDF document cannot be accepted: the file is empty.")]
    Empty,
}

/// What the check found in an acceptable PDF.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckedPdf {
    pub pages: u32,
}

/// Checks a PDF's bytes against the court's size limit and the NextGen rules.
pub fn check(bytes: &[u8], limit_bytes: u64) -> Result<CheckedPdf, PdfRefusal> {
    if bytes.is_empty() {
        return Err(PdfRefusal::Empty);
    }
    if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > limit_bytes {
        return Err(PdfRefusal::TooLarge {
            limit_mb: limit_bytes / (1024 * 1024),
        });
    }
    let head = &bytes[..bytes.len().min(1024)];
    if !head.windows(5).any(|w| w == b"%PDF-") {
        return Err(PdfRefusal::NotPdf);
    }
    let doc = match Document::load_mem(bytes) {
        Ok(doc) => doc,
        // A parser that cannot read an encrypted file says only that it failed.
        Err(_) if bytes.windows(8).any(|w| w == b"/Encrypt") => return Err(PdfRefusal::Encrypted),
        Err(_) => return Err(PdfRefusal::Malformed),
    };
    if doc.trailer.get(b"Encrypt").is_ok() {
        return Err(PdfRefusal::Encrypted);
    }
    for object in doc.objects.values() {
        let dict = match object {
            Object::Dictionary(d) => d,
            Object::Stream(s) => &s.dict,
            _ => continue,
        };
        let name = |key: &[u8]| dict.get(key).and_then(Object::as_name).ok().map(<[u8]>::to_vec);
        if dict.get(b"JS").is_ok() || name(b"S").as_deref() == Some(b"JavaScript") || dict.get(b"JavaScript").is_ok() {
            return Err(PdfRefusal::JavaScript);
        }
        if name(b"S").as_deref() == Some(b"Launch") {
            return Err(PdfRefusal::Launch);
        }
        if name(b"Type").as_deref() == Some(b"EmbeddedFile")
            || dict.get(b"EmbeddedFiles").is_ok()
            || dict.get(b"EF").is_ok()
        {
            return Err(PdfRefusal::EmbeddedFiles);
        }
    }
    let pages = u32::try_from(doc.get_pages().len()).unwrap_or(u32::MAX);
    if pages == 0 {
        return Err(PdfRefusal::NoPages);
    }
    Ok(CheckedPdf { pages })
}

/// PDFs for tests and the demo: `pages` pages of text, plus whatever `extra`
/// adds to the catalog (a bad kind of PDF).
pub mod sample {
    use lopdf::content::{Content, Operation};
    use lopdf::{dictionary, Document, Object, Stream};

    /// What to put into a sample PDF.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Extra {
        Nothing,
        JavaScript,
        Launch,
        EmbeddedFile,
        /// Protected by a password (the standard security handler).
        Encrypted,
    }

    /// A one-page PDF of about `size` bytes (a page, and an image-like
    /// stream of random bytes that pads it), for measuring large filings.
    pub fn pdf_of_size(size: usize) -> Vec<u8> {
        let base = pdf(1, "A large exhibit", Extra::Nothing);
        let Ok(mut doc) = Document::load_mem(&base) else {
            return base;
        };
        let mut pad = vec![0u8; size.saturating_sub(base.len())];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut pad);
        doc.add_object(
            Stream::new(dictionary! { "Type" => "XObject", "Subtype" => "Image" }, pad).with_compression(false),
        );
        let mut out = Vec::new();
        if doc.save_to(&mut out).is_err() {
            return base;
        }
        out
    }

    /// A PDF of `pages` pages, each saying `text`, with `extra` added.
    pub fn pdf(pages: u32, text: &str, extra: Extra) -> Vec<u8> {
        let mut doc = Document::with_version("1.5");
        let pages_id = doc.new_object_id();
        let font_id = doc.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
        });
        let resources_id = doc.add_object(dictionary! {
            "Font" => dictionary! { "F1" => font_id },
        });
        let mut kids = Vec::new();
        for n in 1..=pages {
            let content = Content {
                operations: vec![
                    Operation::new("BT", vec![]),
                    Operation::new("Tf", vec!["F1".into(), 12.into()]),
                    Operation::new("Td", vec![72.into(), 720.into()]),
                    Operation::new("Tj", vec![Object::string_literal(format!("{text} (page {n})"))]),
                    Operation::new("ET", vec![]),
                ],
            };
            let bytes = content.encode().unwrap_or_default();
            let content_id = doc.add_object(Stream::new(dictionary! {}, bytes));
            let page_id = doc.add_object(dictionary! {
                "Type" => "Page", "Parent" => pages_id, "Contents" => content_id,
                "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
            });
            kids.push(Object::Reference(page_id));
        }
        let count = i64::from(pages);
        doc.objects.insert(
            pages_id,
            Object::Dictionary(dictionary! {
                "Type" => "Pages", "Kids" => kids, "Count" => count, "Resources" => resources_id,
            }),
        );
        let mut catalog = dictionary! { "Type" => "Catalog", "Pages" => pages_id };
        match extra {
            Extra::Nothing | Extra::Encrypted => {}
            Extra::JavaScript => {
                let js =
                    doc.add_object(dictionary! { "S" => "JavaScript", "JS" => Object::string_literal("app.alert(1)") });
                catalog.set("OpenAction", js);
            }
            Extra::Launch => {
                let launch = doc.add_object(dictionary! { "S" => "Launch", "F" => Object::string_literal("calc.exe") });
                catalog.set("OpenAction", launch);
            }
            Extra::EmbeddedFile => {
                let file = doc.add_object(Stream::new(
                    dictionary! { "Type" => "EmbeddedFile" },
                    b"hidden".to_vec(),
                ));
                let spec = doc.add_object(dictionary! {
                    "Type" => "Filespec", "F" => Object::string_literal("x.txt"), "EF" => dictionary! { "F" => file },
                });
                catalog.set("Names", dictionary! { "EmbeddedFiles" => dictionary! { "Names" => vec![Object::string_literal("x.txt"), spec.into()] } });
            }
        }
        let catalog_id = doc.add_object(catalog);
        doc.trailer.set("Root", catalog_id);
        if extra == Extra::Encrypted {
            let encrypt = doc.add_object(dictionary! {
                "Filter" => "Standard", "V" => 1, "R" => 2, "P" => -44,
                "O" => Object::string_literal(vec![1u8; 32]), "U" => Object::string_literal(vec![2u8; 32]),
            });
            doc.trailer.set("Encrypt", encrypt);
        }
        let mut out = Vec::new();
        if doc.save_to(&mut out).is_err() {
            return Vec::new();
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::sample::{pdf, Extra};
    use super::*;

    const LIMIT: u64 = 50 * 1024 * 1024;

    #[test]
    fn a_plain_pdf_passes_with_its_page_count() {
        assert_eq!(
            check(&pdf(3, "Motion", Extra::Nothing), LIMIT),
            Ok(CheckedPdf { pages: 3 })
        );
    }

    #[test]
    fn each_bad_kind_of_pdf_is_refused_with_its_message() {
        assert_eq!(
            check(&pdf(1, "x", Extra::JavaScript), LIMIT),
            Err(PdfRefusal::JavaScript)
        );
        assert_eq!(check(&pdf(1, "x", Extra::Launch), LIMIT), Err(PdfRefusal::Launch));
        assert_eq!(
            check(&pdf(1, "x", Extra::EmbeddedFile), LIMIT),
            Err(PdfRefusal::EmbeddedFiles)
        );
        assert_eq!(check(b"hello, not a pdf", LIMIT), Err(PdfRefusal::NotPdf));
        assert_eq!(check(b"%PDF-1.4\n garbage", LIMIT), Err(PdfRefusal::Malformed));
        assert_eq!(check(b"", LIMIT), Err(PdfRefusal::Empty));
        let big = pdf(1, "x", Extra::Nothing);
        assert_eq!(check(&big, 10), Err(PdfRefusal::TooLarge { limit_mb: 0 }));
        assert_eq!(check(&pdf(1, "x", Extra::Encrypted), LIMIT), Err(PdfRefusal::Encrypted));
        assert!(PdfRefusal::JavaScript
            .to_string()
            .starts_with("This PDF document cannot be accepted"));
    }
}
