//! The filing system: opening cases, filing documents into them, the
//! docket, and the Notice of Electronic Filing to every attorney of record.

pub mod pdf;
