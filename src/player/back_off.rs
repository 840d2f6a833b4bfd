//! The pause before a Player asks an unreachable server again: 1 s, doubling up to
//! 30 s, back to 1 s once it answers. Slept in short steps, so that a closing window
//! is never held up by it.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

const FIRST: Duration = Duration::from_secs(1);
const LONGEST: Duration = Duration::from_secs(30);
const STEP: Duration = Duration::from_millis(100);

pub struct BackOff {
    pause: Duration,
}

impl Default for BackOff {
    fn default() -> BackOff {
        BackOff { pause: FIRST }
    }
}

impl BackOff {
    /// The server answered: the next failure waits the first pause again.
    pub fn reset(&mut self) {
        self.pause = FIRST;
    }

    /// Waits the pause (or until `stop`), then doubles it.
    pub fn wait(&mut self, stop: &AtomicBool) {
        let until = Instant::now() + self.pause;
        while Instant::now() < until && !stop.load(Ordering::Relaxed) {
            std::thread::sleep(STEP);
        }
        self.pause = (self.pause * 2).min(LONGEST);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pause_doubles_up_to_its_longest_and_a_stop_ends_it_at_once() {
        let mut back_off = BackOff::default();
        let stop = AtomicBool::new(true);
        for _ in 0..10 {
            back_off.wait(&stop);
        }
        assert_eq!(back_off.pause, LONGEST);
        back_off.reset();
        assert_eq!(back_off.pause, FIRST);
        let started = Instant::now();
        back_off.wait(&stop);
        assert!(
            started.elapsed() < Duration::from_millis(500),
            "a stop ends the wait"
        );
    }
}
