//! The web app over real HTTP: a server on port 0 and a fresh database per test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod accounts;
mod api;
mod court;
mod courts;
mod csrf;
mod ecf_account;
mod fees;
mod filing;
mod helpers;
mod input;
mod limits;
mod link;
mod link_center;
mod login;
mod mail;
mod mfa;
mod ops;
mod pages;
mod pcl;
mod secrets;
mod security;
