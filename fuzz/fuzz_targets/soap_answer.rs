//! Fuzzes the reading of the PBX's SOAP answers: the XML reader and the user and call
//! events the live link takes from a Poll answer.
#![no_main]

use callrec::recorder::soap_wire::{CallEvent, Node, UserEvent, parse};
use libfuzzer_sys::fuzz_target;

fn walk(node: &Node) {
    for user in node.items("user") {
        let _ = UserEvent::from_node(user).to_xml();
    }
    for call in node.items("call") {
        let event = CallEvent::from_node(call);
        let _ = (event.ended(), event.incoming(), event.to_xml());
    }
    let _ = node.find("Fault").map(|f| f.text_of("faultstring").len());
    for child in &node.children {
        walk(child);
    }
}

fuzz_target!(|data: &[u8]| {
    if let Some(root) = std::str::from_utf8(data).ok().and_then(parse) {
        walk(&root);
    }
});
