//! The two entries of a short list used last, tried before any search.
//!
//! Both conversion passes look up the flow of every packet, and a call's packets
//! alternate between its two directions: comparing with the two flows used last
//! answers nearly every lookup without hashing or scanning.

#[derive(Debug, Default, Clone, Copy)]
pub struct RecentPair([usize; 2]);

impl RecentPair {
    /// The one of the two indices used last for which `is` holds.
    #[inline]
    pub fn find(&mut self, is: impl Fn(usize) -> bool) -> Option<usize> {
        if is(self.0[0]) {
            return Some(self.0[0]);
        }
        if is(self.0[1]) {
            self.0.swap(0, 1);
            return Some(self.0[0]);
        }
        None
    }

    /// Remembers `index` as the one used last.
    pub fn used(&mut self, index: usize) {
        self.0 = [index, self.0[0]];
    }
}
