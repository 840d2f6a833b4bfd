//! Which output party a packet of the render pass belongs to, found without a search
//! for most packets.
//!
//! The render pass asks this for every packet. A call's packets alternate between its
//! two directions, so the two flows asked about last are compared first; each flow
//! also keeps its payload-type memo (see [`CodecMemo`]).

use super::analysis::FlowKey;
use super::payload_map::CodecMemo;
use super::sides::{CallSides, Party};

pub struct FlowRoutes {
    /// The call's flows with their party.
    routes: Vec<(FlowKey, Party, CodecMemo)>,
    recent: [usize; 2],
}

impl FlowRoutes {
    pub fn new(sides: &CallSides) -> Self {
        let external = sides.external.iter().map(|k| (*k, Party::External));
        let internal = sides.internal.iter().map(|k| (*k, Party::Internal));
        FlowRoutes {
            routes: external
                .chain(internal)
                .map(|(k, p)| (k, p, CodecMemo::default()))
                .collect(),
            recent: [0, 0],
        }
    }

    /// The party of the flow `key` and its codec memo; `None` for a flow outside the call.
    pub fn route(&mut self, key: &FlowKey) -> Option<(Party, &mut CodecMemo)> {
        let is = |i: usize| self.routes.get(i).is_some_and(|r| r.0 == *key);
        let i = if is(self.recent[0]) {
            self.recent[0]
        } else if is(self.recent[1]) {
            self.recent.swap(0, 1);
            self.recent[0]
        } else {
            let i = self.routes.iter().position(|r| r.0 == *key)?;
            self.recent = [i, self.recent[0]];
            i
        };
        let route = &mut self.routes[i];
        Some((route.1, &mut route.2))
    }
}
