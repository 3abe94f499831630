//! The runtime of every generated SDK: HTTP, authentication, retries,
//! pagination, errors, and the helper types of generated models.
//!
//! This is ordinary Rust, compiled and tested as the workspace crate
//! `sdk-runtime`. `cargo xtask generate` copies these files byte for byte
//! into each generated crate as `src/runtime/`, so a generated crate builds
//! on its own, with no dependency to publish. What differs between APIs
//! (base URL, whether a token is required, the user agent) is not in here:
//! each generated crate implements [`client::Api`] for a marker type in its
//! own `api.rs`, and names `Client<ThatMarker>` its `Client`.
//!
//! Items marked `#[doc(hidden)]` are the interface of generated code (request
//! descriptions, response decoding), not for direct use.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[cfg(not(any(feature = "rustls", feature = "native-tls")))]
compile_error!("choose a TLS backend: enable the `rustls` (default) or `native-tls` feature");

pub mod builder;
pub mod client;
pub mod date_time;
pub mod enums;
pub mod error;
pub mod file;
#[cfg(feature = "mock")]
#[cfg_attr(docsrs, doc(cfg(feature = "mock")))]
pub mod mock;
pub mod nullable;
pub mod options;
pub mod pagination;
#[doc(hidden)]
pub mod response;
pub mod retry;
pub mod time_of_day;
