pub mod archive;
pub mod cli;
pub mod media;
pub mod recorder;
pub mod simulator;
