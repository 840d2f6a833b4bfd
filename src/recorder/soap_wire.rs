//! The innovaphone PBX SOAP API on the wire (pbx10_00.wsdl, RPC/encoded SOAP 1.1,
//! namespace `http://innovaphone.com/pbx`): the few operations a recorder needs —
//! Initialize, UserInitialize, Poll, End — written and read as plain XML. A SOAP
//! framework would bring a WSDL toolchain for four messages; the shapes are small and
//! the reader matches elements by local name, so prefixes and extra fields (newer
//! firmware) do not matter.

use quick_xml::events::Event;

pub const NAMESPACE: &str = "http://innovaphone.com/pbx";

/// A request envelope for `operation` with its parameters in order.
pub fn request(operation: &str, params: &[(&str, String)]) -> String {
    let mut body = String::new();
    for (name, value) in params {
        body.push_str(&format!("<{name}>{}</{name}>", escape(value)));
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\
<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:tns=\"{NAMESPACE}\">\
<soap:Body><tns:{operation}>{body}</tns:{operation}></soap:Body></soap:Envelope>"
    )
}

/// A response envelope: `<{operation}Response>` around ready-made XML.
pub fn response(operation: &str, inner: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\
<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:tns=\"{NAMESPACE}\">\
<soap:Body><tns:{operation}Response>{inner}</tns:{operation}Response></soap:Body></soap:Envelope>"
    )
}

pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A parsed element: its local name, text, and children.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Node {
    pub name: String,
    pub text: String,
    pub children: Vec<Node>,
}

impl Node {
    pub fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    /// Text of a direct child, or empty.
    pub fn text_of(&self, name: &str) -> &str {
        self.child(name).map_or("", |c| c.text.trim())
    }

    /// The `item`s of an array child.
    pub fn items(&self, name: &str) -> Vec<&Node> {
        self.child(name)
            .map(|a| a.children.iter().filter(|c| c.name == "item").collect())
            .unwrap_or_default()
    }

    /// The first element with this local name anywhere below.
    pub fn find(&self, name: &str) -> Option<&Node> {
        if self.name == name {
            return Some(self);
        }
        self.children.iter().find_map(|c| c.find(name))
    }
}

/// Reads a whole document into a tree; `None` for XML that does not parse. Depth and
/// size are bounded by the caller's body limit.
pub fn parse(xml: &str) -> Option<Node> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut stack: Vec<Node> = vec![Node::default()];
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                if stack.len() > 64 {
                    return None;
                }
                stack.push(Node {
                    name: e.local_name().into_inner().to_string(),
                    ..Node::default()
                });
            }
            Ok(Event::Empty(e)) => {
                let node = Node {
                    name: e.local_name().into_inner().to_string(),
                    ..Node::default()
                };
                stack.last_mut()?.children.push(node);
            }
            Ok(Event::Text(t)) => {
                stack.last_mut()?.text.push_str(&t.xml10_content());
            }
            Ok(Event::GeneralRef(r)) => {
                let name = r.xml10_content();
                let ch = match name.as_ref() {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    "apos" => "'",
                    _ => "",
                };
                stack.last_mut()?.text.push_str(ch);
            }
            Ok(Event::End(_)) => {
                let done = stack.pop()?;
                stack.last_mut()?.children.push(done);
            }
            Ok(Event::Eof) => break,
            Err(_) => return None,
            _ => {}
        }
    }
    let root = stack.pop()?;
    stack.is_empty().then_some(root)
}

/// One CallInfo as the recorder uses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallEvent {
    pub user: String,
    pub call: String,
    pub active: bool,
    pub state: u32,
    pub msg: String,
    /// The remote party (`No` of type `peer`).
    pub peer: String,
    /// The conference id (`Info` of type `conf`).
    pub conf: Option<String>,
}

impl CallEvent {
    pub fn from_node(node: &Node) -> CallEvent {
        let peer = node
            .items("No")
            .into_iter()
            .find(|n| n.text_of("type") == "peer")
            .map(|n| {
                let e164 = n.text_of("e164");
                if e164.is_empty() {
                    n.text_of("cn")
                } else {
                    e164
                }
                .to_string()
            })
            .unwrap_or_default();
        let conf = node
            .items("info")
            .into_iter()
            .find(|i| i.text_of("type") == "conf")
            .map(|i| i.text_of("vals").to_ascii_lowercase())
            .filter(|c| !c.is_empty());
        CallEvent {
            user: node.text_of("user").to_string(),
            call: node.text_of("call").to_string(),
            active: node.text_of("active") != "false",
            state: node.text_of("state").parse().unwrap_or(0),
            msg: node.text_of("msg").to_string(),
            peer,
            conf,
        }
    }

    /// The call is over (`active` false, or the final `del`).
    pub fn ended(&self) -> bool {
        !self.active || self.msg == "del"
    }

    /// Bit 0x80 of the state: the PBX offers the call to the user (incoming for the user).
    pub fn incoming(&self) -> bool {
        self.state & 0x80 != 0
    }

    /// The CallInfo element (used by the simulated PBX).
    pub fn to_xml(&self) -> String {
        let conf = self.conf.as_ref().map_or(String::new(), |c| {
            format!(
                "<info><item><type>conf</type><vals>{}</vals><vali>0</vali></item></info>",
                escape(c)
            )
        });
        format!(
            "<item><user>{}</user><call>{}</call><reg>0</reg><active>{}</active><state>{}</state>\
<msg>{}</msg><No><item><type>peer</type><cn></cn><dn></dn><e164>{}</e164><h323></h323></item></No>{conf}</item>",
            escape(&self.user),
            escape(&self.call),
            self.active,
            self.state,
            escape(&self.msg),
            escape(&self.peer),
        )
    }
}

/// One UserInfo as the recorder uses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserEvent {
    pub cn: String,
    pub e164: String,
    pub active: bool,
}

impl UserEvent {
    pub fn from_node(node: &Node) -> UserEvent {
        UserEvent {
            cn: node.text_of("cn").to_string(),
            e164: node.text_of("e164").to_string(),
            active: node.text_of("active") != "false",
        }
    }

    pub fn to_xml(&self) -> String {
        format!(
            "<item><guid></guid><active>{}</active><state>1</state><channel>0</channel><alert>0</alert>\
<cn>{}</cn><dn>{}</dn><type>ep</type><e164>{}</e164><h323></h323></item>",
            self.active,
            escape(&self.cn),
            escape(&self.cn),
            escape(&self.e164)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_poll_answer_round_trips() {
        let call = CallEvent {
            user: "7".into(),
            call: "12".into(),
            active: true,
            state: 0x85,
            msg: "x-conn".into(),
            peer: "0301111".into(),
            conf: Some("e89277f0e909d31192e80090331032dd".into()),
        };
        let user = UserEvent {
            cn: "Agent <21> & co".into(),
            e164: "21".into(),
            active: true,
        };
        let xml = response(
            "Poll",
            &format!(
                "<return><user>{}</user><call>{}</call><reg/><info/></return>",
                user.to_xml(),
                call.to_xml()
            ),
        );
        let root = parse(&xml).unwrap();
        let answer = root.find("return").unwrap();
        assert_eq!(CallEvent::from_node(answer.items("call")[0]), call);
        assert_eq!(UserEvent::from_node(answer.items("user")[0]), user);
        assert!(call.incoming() && !call.ended());
        assert!(parse("<a><b></a>").is_none());
        let req = parse(&request("Initialize", &[("user", "API".into())])).unwrap();
        assert_eq!(req.find("Initialize").unwrap().text_of("user"), "API");
    }
}
