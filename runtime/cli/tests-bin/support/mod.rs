//! Helpers shared by the CLI's tests.
#![allow(dead_code)]

pub mod prism;
