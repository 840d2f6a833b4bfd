pub mod cli;
pub mod media;
