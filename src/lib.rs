pub mod archive;
pub mod cli;
pub mod fileserver;
pub mod media;
pub mod player;
pub mod recorder;
pub mod simulator;
pub mod ui;
