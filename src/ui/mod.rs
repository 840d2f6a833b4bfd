//! The windows (egui/eframe). Only this layer draws; it reads snapshots from the player
//! and recorder layers and calls their methods.

pub mod app;
pub mod close_guard;
pub mod help;
pub mod player;
pub mod players_tab;
pub mod recorder_panel;
pub mod remote_recorder;
pub mod setup_dialog;
pub mod theme;
