//! `sqlx::migrate!` embeds the migrations when the crate compiles: a new
//! migration file must rebuild the crate even when no Rust file changed.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
