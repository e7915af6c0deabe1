//! The ceiling of this machine for an HTTP route: a bare axum server with
//! one route answering openecf's stylesheet (the same bytes and type as
//! openecf's `/static/style.css`), no middleware, no database.
//! `bench/load.sh` loads it beside openecf's own static route.
//!
//! Usage: `bare ADDR` (default 127.0.0.1:8099).

use axum::routing::get;
use axum::Router;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:8099".into());
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    let app = Router::new().route(
        "/",
        get(|| async {
            (
                [(axum::http::header::CONTENT_TYPE, "text/css; charset=utf-8")],
                include_str!("../static/style.css"),
            )
        }),
    );
    axum::serve(listener, app).await
}
