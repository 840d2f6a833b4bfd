//! A Garage object-store cluster on loopback for one test: one node or several (each
//! in its own zone, every object on three of them), a bucket and a key with read and
//! write rights. Nodes can be killed and started again; the key's write right can be
//! taken away and given back. Everything stops when the value is dropped.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use callrec::archive::bucket::BucketConfig;

pub const BUCKET: &str = "callrec";
/// A second bucket, for the backup copy.
pub const BACKUP_BUCKET: &str = "callrec-backup";
pub const KEY_ID: &str = "GK0123456789abcdef01234567";
pub const SECRET: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
pub const REGION: &str = "garage";
const RPC_SECRET: &str = "1799bccfd7411eddcf9ebd316bc1f5287ad12a68094e1c6ac6abde7e6feae1ec";

/// Garage's metadata engine: LMDB, Garage's default and what `docs/SITE.md` sets up,
/// or `CALLREC_GARAGE_DB=sqlite` (the benchmarks compare the two).
fn db_engine() -> String {
    std::env::var("CALLREC_GARAGE_DB").unwrap_or_else(|_| "lmdb".into())
}

pub struct Node {
    config: PathBuf,
    pub s3_port: u16,
    rpc_port: u16,
    child: Option<Child>,
}

pub struct Garage {
    pub nodes: Vec<Node>,
    _dir: tempfile::TempDir,
}

fn garage(config: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new("garage")
        .arg("-c")
        .arg(config)
        .args(args)
        .output()
        .map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(format!(
            "garage {args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// Repeats `f` until it succeeds (a node just started, a layout still spreading).
fn retry<T>(what: &str, mut f: impl FnMut() -> Result<T, String>) -> T {
    let start = Instant::now();
    loop {
        match f() {
            Ok(v) => return v,
            Err(e) if start.elapsed() > Duration::from_secs(60) => panic!("{what}: {e}"),
            Err(_) => std::thread::sleep(Duration::from_millis(200)),
        }
    }
}

impl Node {
    fn start(&mut self) {
        let log = std::fs::File::create(self.config.with_extension("log")).unwrap();
        let child = Command::new("garage")
            .arg("-c")
            .arg(&self.config)
            .arg("server")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start garage");
        self.child = Some(child);
        let port = self.s3_port;
        retry("the node's S3 port", || {
            std::net::TcpStream::connect(("127.0.0.1", port))
                .map(|_| ())
                .map_err(|e| e.to_string())
        });
    }
}

impl Garage {
    /// `nodes` Garage nodes on loopback with the bucket and key ready; `None` (after a
    /// "skipped" line, or a failure in CI) when garage is not installed.
    pub fn start(nodes: usize) -> Option<Garage> {
        if !super::have("garage") {
            super::skip("garage (the object store; scripts/setup.sh installs it)");
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let replication = if nodes >= 3 { 3 } else { 1 };
        let mut all = Vec::new();
        for i in 0..nodes {
            let (s3_port, rpc_port, admin_port) =
                (super::free_port(), super::free_port(), super::free_port());
            let base = dir.path().join(format!("node{i}"));
            std::fs::create_dir_all(&base).unwrap();
            let config = base.join("garage.toml");
            std::fs::write(
                &config,
                format!(
                    "metadata_dir = \"{meta}\"\ndata_dir = \"{data}\"\ndb_engine = \"{engine}\"\n\
                     replication_factor = {replication}\n\
                     compression_level = \"none\"\n\
                     rpc_bind_addr = \"127.0.0.1:{rpc_port}\"\n\
                     rpc_public_addr = \"127.0.0.1:{rpc_port}\"\n\
                     rpc_secret = \"{RPC_SECRET}\"\n\
                     [s3_api]\ns3_region = \"{REGION}\"\napi_bind_addr = \"127.0.0.1:{s3_port}\"\n\
                     [admin]\napi_bind_addr = \"127.0.0.1:{admin_port}\"\n",
                    engine = db_engine(),
                    meta = base.join("meta").display(),
                    data = base.join("data").display(),
                ),
            )
            .unwrap();
            let mut node = Node {
                config,
                s3_port,
                rpc_port,
                child: None,
            };
            node.start();
            all.push(node);
        }
        let first = all[0].config.clone();
        let mut ids = Vec::new();
        for node in &all {
            let id = retry("the node id", || {
                garage(&node.config, &["node", "id", "-q"])
            });
            ids.push(id.trim().split('@').next().unwrap().to_string());
        }
        for (node, id) in all.iter().zip(&ids).skip(1) {
            let address = format!("{id}@127.0.0.1:{}", node.rpc_port);
            retry("connect the nodes", || {
                garage(&first, &["node", "connect", &address])
            });
        }
        for (i, id) in ids.iter().enumerate() {
            let zone = format!("dc{}", i + 1);
            retry("assign a role", || {
                garage(&first, &["layout", "assign", "-z", &zone, "-c", "1G", id])
            });
        }
        retry("apply the layout", || {
            garage(&first, &["layout", "apply", "--version", "1"])
        });
        for bucket in [BUCKET, BACKUP_BUCKET] {
            retry("create the bucket", || {
                garage(&first, &["bucket", "create", bucket])
            });
        }
        retry("import the key", || {
            garage(
                &first,
                &["key", "import", "--yes", "-n", "callrec", KEY_ID, SECRET],
            )
        });
        let garage = Garage {
            nodes: all,
            _dir: dir,
        };
        garage.allow_write();
        Some(garage)
    }

    /// The archive at `s3://callrec/PREFIX`, reached through node `node`.
    pub fn config_at(&self, node: usize, prefix: &str) -> BucketConfig {
        BucketConfig::new(
            &format!("s3://{BUCKET}/{prefix}"),
            &self.endpoint(node),
            KEY_ID,
            SECRET,
            REGION,
        )
        .unwrap()
    }

    pub fn config(&self, prefix: &str) -> BucketConfig {
        self.config_at(0, prefix)
    }

    pub fn endpoint(&self, node: usize) -> String {
        format!("http://127.0.0.1:{}", self.nodes[node].s3_port)
    }

    /// The setup keys that name this bucket (for `callrec … store=s3://…`).
    pub fn setup_args(&self, prefix: &str) -> Vec<String> {
        vec![
            format!("store=s3://{BUCKET}/{prefix}"),
            format!("s3endpoint={}", self.endpoint(0)),
            format!("s3key={KEY_ID}"),
            format!("s3secret={SECRET}"),
            format!("s3region={REGION}"),
        ]
    }

    fn admin_node(&self) -> &Path {
        let alive = self
            .nodes
            .iter()
            .find(|n| n.child.is_some())
            .expect("a node runs");
        &alive.config
    }

    pub fn allow_write(&self) {
        self.allow_write_on(BUCKET);
        self.allow_write_on(BACKUP_BUCKET);
    }

    pub fn allow_write_on(&self, bucket: &str) {
        let config = self.admin_node().to_path_buf();
        retry("allow the key", || {
            garage(
                &config,
                &[
                    "bucket", "allow", "--read", "--write", "--owner", bucket, "--key", KEY_ID,
                ],
            )
        });
    }

    /// The archive's bucket refuses the key's writes from now on (reads still work).
    pub fn deny_write(&self) {
        self.deny_write_on(BUCKET);
    }

    pub fn deny_write_on(&self, bucket: &str) {
        let config = self.admin_node().to_path_buf();
        retry("deny the key", || {
            garage(
                &config,
                &["bucket", "deny", "--write", bucket, "--key", KEY_ID],
            )
        });
    }

    /// The backup copy at `s3://callrec-backup/PREFIX`.
    pub fn backup_config(&self, prefix: &str) -> BucketConfig {
        BucketConfig::new(
            &format!("s3://{BACKUP_BUCKET}/{prefix}"),
            &self.endpoint(0),
            KEY_ID,
            SECRET,
            REGION,
        )
        .unwrap()
    }

    /// SIGKILL for node `i`.
    pub fn kill(&mut self, i: usize) {
        if let Some(mut child) = self.nodes[i].child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    pub fn restart(&mut self, i: usize) {
        self.nodes[i].start();
    }
}

impl Drop for Garage {
    fn drop(&mut self) {
        for i in 0..self.nodes.len() {
            self.kill(i);
        }
    }
}
