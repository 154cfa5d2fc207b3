//! gloss: a terminal reader with highlights, notes and exports.
//!
//! The crate is layered so that each part can be read and tested alone:
//! [`document`] parses an article into blocks over one canonical text, [`layout`]
//! wraps those blocks to a width, [`annotations`] anchors and stores highlights,
//! [`app`] holds state changed only through actions, and [`ui`] draws that state.
//! [`session`] carries out the app's effects on the disk (store, library,
//! recovery, export, background jobs) with no terminal in it, and [`runtime`]
//! owns the terminal and the event loop and hands effects to the session.
//! `main.rs` only calls [`run`].

// Tests may unwrap: a failed unwrap there is a failed test.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod annotations;
pub mod app;
pub mod cli;
pub mod commands;
pub mod config;
pub mod document;
pub mod export;
pub mod external_editor;
pub mod keymap;
pub mod layout;
pub mod library;
pub mod opener;
pub mod paths;
pub mod recovery;
pub mod review;
pub mod runtime;
pub mod search;
pub mod session;
pub mod text;
pub mod ui;

pub use cli::run;
