//! Which output party a packet of the render pass belongs to, found without a search
//! for most packets.
//!
//! The render pass asks this for every packet: the two flows asked about last are
//! compared first (see [`RecentPair`]); each flow also keeps its payload-type memo
//! (see [`CodecMemo`]).

use super::analysis::FlowKey;
use super::payload_map::CodecMemo;
use super::recent_pair::RecentPair;
use super::sides::{CallSides, Party};

pub struct FlowRoutes {
    /// The call's flows with their party.
    routes: Vec<(FlowKey, Party, CodecMemo)>,
    recent: RecentPair,
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
            recent: RecentPair::default(),
        }
    }

    /// The party of the flow `key` and its codec memo; `None` for a flow outside the call.
    pub fn route(&mut self, key: &FlowKey) -> Option<(Party, &mut CodecMemo)> {
        let routes = &self.routes;
        let i = match self
            .recent
            .find(|i| routes.get(i).is_some_and(|r| r.0 == *key))
        {
            Some(i) => i,
            None => {
                let i = self.routes.iter().position(|r| r.0 == *key)?;
                self.recent.used(i);
                i
            }
        };
        let route = &mut self.routes[i];
        Some((route.1, &mut route.2))
    }
}
