//! Pull sources against real servers: a WebDAV server (Debian's nginx with the dav-ext
//! module, started by the test, with a login) that the simulated devices upload to,
//! Apache's WebDAV behind a Digest-only login, and a local folder. Captures are
//! fetched, archived and only then deleted at the source; a stopped server turns the
//! PCAP lamp red and loses nothing.

mod common;

use std::fs;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use callrec::recorder::pipeline::PipelineConfig;
use callrec::recorder::pull::{PullConfig, Source};
use callrec::recorder::rules::Agents;
use callrec::recorder::service::ServiceConfig;
use callrec::recorder::status::Lamp;
use callrec::simulator::{SimCall, Simulator, scripted_calls};

const USER: (&str, &str) = ("gw", "rec0rd");

struct Nginx {
    scheme: &'static str,
    child: Child,
    conf: PathBuf,
    port: u16,
    root: PathBuf,
}

impl Nginx {
    fn url(&self) -> String {
        format!("{}://127.0.0.1:{}", self.scheme, self.port)
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    fn start_again(&mut self) {
        self.child = spawn_nginx(&self.conf);
        wait_for_port(self.port);
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        self.stop();
    }
}

fn spawn_nginx(conf: &Path) -> Child {
    Command::new(nginx_binary().expect("checked"))
        .args(["-c", conf.to_str().unwrap(), "-e", "stderr"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("nginx starts")
}

fn nginx_binary() -> Option<PathBuf> {
    ["/usr/sbin/nginx", "/usr/local/sbin/nginx"]
        .into_iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

fn dav_module() -> Option<PathBuf> {
    ["/usr/lib/nginx/modules", "/usr/share/nginx/modules"]
        .into_iter()
        .map(|d| Path::new(d).join("ngx_http_dav_ext_module.so"))
        .find(|p| p.exists())
}

fn wait_for_port(port: u16) {
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "nginx did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// nginx serving `DIR/www/rec/` with WebDAV (PUT, DELETE, PROPFIND) behind Basic auth;
/// with `tls`, over HTTPS with a fresh self-signed certificate in `DIR/cert.pem`.
fn start_nginx(dir: &Path, tls: bool) -> Option<Nginx> {
    let (Some(_), Some(module)) = (nginx_binary(), dav_module()) else {
        common::skip(
            "nginx with the WebDAV module (apt install nginx-light libnginx-mod-http-dav-ext)",
        );
        return None;
    };
    let (port, root) = served_folder(dir);
    fs::create_dir_all(dir.join("tmp")).unwrap();
    fs::write(
        dir.join("htpasswd"),
        format!("{}:{{PLAIN}}{}\n", USER.0, USER.1),
    )
    .unwrap();
    let conf = dir.join("nginx.conf");
    let d = dir.display();
    let listen = if tls {
        common::test_certificate(dir)?;
        format!(
            "127.0.0.1:{port} ssl; ssl_certificate {d}/cert.pem; ssl_certificate_key {d}/key.pem"
        )
    } else {
        format!("127.0.0.1:{port}")
    };
    fs::write(
        &conf,
        format!(
            "load_module {module};
daemon off; master_process off; worker_processes 1;
pid {d}/nginx.pid; error_log stderr;
events {{ worker_connections 64; }}
http {{
  access_log off;
  client_body_temp_path {d}/tmp/body; proxy_temp_path {d}/tmp/proxy;
  fastcgi_temp_path {d}/tmp/fcgi; uwsgi_temp_path {d}/tmp/uwsgi; scgi_temp_path {d}/tmp/scgi;
  client_max_body_size 100m;
  server {{
    listen {listen};
    root {root};
    location /rec/ {{
      auth_basic \"recordings\";
      auth_basic_user_file {d}/htpasswd;
      dav_methods PUT DELETE MKCOL;
      dav_ext_methods PROPFIND OPTIONS;
      create_full_put_path on;
    }}
  }}
}}
",
            module = module.display(),
            root = root.display(),
        ),
    )
    .unwrap();
    let child = spawn_nginx(&conf);
    wait_for_port(port);
    Some(Nginx {
        child,
        conf,
        port,
        root,
        scheme: if tls { "https" } else { "http" },
    })
}

/// Apache (Debian's `apache2-bin`) serving `DIR/www/rec/` with WebDAV behind a
/// Digest-only login, in the foreground, as a child of the test.
struct Apache {
    child: Child,
    port: u16,
    root: PathBuf,
}

impl Apache {
    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Apache {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_apache(dir: &Path) -> Option<Apache> {
    let binary = Path::new("/usr/sbin/apache2");
    let modules = Path::new("/usr/lib/apache2/modules");
    if !binary.exists() || !modules.join("mod_auth_digest.so").exists() {
        common::skip("Apache is not installed (apt install apache2-bin)");
        return None;
    }
    let (port, root) = served_folder(dir);
    fs::create_dir_all(dir.join("lock")).unwrap();
    // started as root, Apache serves as `nobody`, which must be able to delete
    for d in [root.join("rec"), dir.join("lock")] {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&d, fs::Permissions::from_mode(0o777)).unwrap();
    }
    // htdigest: user:realm:MD5(user:realm:password)
    let ha1 = md5_hex(&format!("{}:recordings:{}", USER.0, USER.1));
    fs::write(
        dir.join("htdigest"),
        format!("{}:recordings:{ha1}\n", USER.0),
    )
    .unwrap();
    let d = dir.display();
    let m = modules.display();
    let conf = dir.join("httpd.conf");
    fs::write(
        &conf,
        format!(
            "ServerRoot {d}
ServerName localhost
Listen 127.0.0.1:{port}
PidFile {d}/httpd.pid
ErrorLog {d}/error.log
LoadModule mpm_event_module {m}/mod_mpm_event.so
LoadModule authn_core_module {m}/mod_authn_core.so
LoadModule authz_core_module {m}/mod_authz_core.so
LoadModule authn_file_module {m}/mod_authn_file.so
LoadModule authz_user_module {m}/mod_authz_user.so
LoadModule auth_digest_module {m}/mod_auth_digest.so
LoadModule dav_module {m}/mod_dav.so
LoadModule dav_fs_module {m}/mod_dav_fs.so
User nobody
Group nogroup
DocumentRoot {root}
DavLockDB {d}/lock/davlock
<Location /rec/>
  Dav On
  AuthType Digest
  AuthName \"recordings\"
  AuthDigestProvider file
  AuthUserFile {d}/htdigest
  Require valid-user
</Location>
",
            root = root.display(),
        ),
    )
    .unwrap();
    let child = Command::new(binary)
        .args(["-f", conf.to_str().unwrap(), "-DFOREGROUND"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("apache starts");
    wait_for_port(port);
    Some(Apache { child, port, root })
}

fn md5_hex(text: &str) -> String {
    use md5::{Digest, Md5};
    hex::encode(Md5::digest(text.as_bytes()))
}

/// A free loopback port and the document root `DIR/www` with its `rec/` folder.
fn served_folder(dir: &Path) -> (u16, PathBuf) {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let root = dir.join("www");
    fs::create_dir_all(root.join("rec")).unwrap();
    (port, root)
}

fn config(pull: PullConfig) -> ServiceConfig {
    ServiceConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        max_capture: 20_000_000,
        basic_auth: None,
        mail: None,
        alarm_arming: Duration::ZERO,
        pull: Some(pull),
        pbx: None,
        https: None,
        limits: Default::default(),
        appserver: None,
        pipeline: PipelineConfig {
            agents: Agents {
                numbers: ["20", "21", "22", "23", "24", "30", "31"]
                    .map(String::from)
                    .to_vec(),
                ..Agents::default()
            },
            settle: Duration::from_millis(300),
            ..PipelineConfig::default()
        },
    }
}

fn captures_in(dir: &Path) -> usize {
    fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .filter(|f| f.file_name().to_string_lossy().ends_with(".pcap"))
                .count()
        })
        .unwrap_or(0)
}

async fn wait(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < limit, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn calls(count: usize, seed: u64) -> Vec<SimCall> {
    let now = jiff::Timestamp::now().as_second();
    scripted_calls(count, 2.0, now - 120, seed)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn captures_on_a_webdav_server_are_fetched_archived_and_only_then_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let Some(mut nginx) = start_nginx(dir.path(), false) else {
        return;
    };
    let store = dir.path().join("store");
    let pull = PullConfig {
        standby: None,
        source: Source::parse(&format!("{}/rec/", nginx.url())).unwrap(),
        credentials: Some((USER.0.into(), USER.1.into())),
        poll: Duration::from_millis(500),
        max_capture: 20_000_000,
        trusted_cert: None,
    };
    let service = common::start_recorder(config(pull), common::test_archiver(&store)).await;
    let recorder = service.url.clone();
    let board = service.pipeline.status.clone();

    // the devices write to the WebDAV server, the PBX posts CDRs to the recorder
    let device = Simulator::new(&nginx.url(), Some((USER.0.into(), USER.1.into()))).unwrap();
    let pbx = Simulator::new(&recorder, None).unwrap();
    let first = calls(3, 21);
    for call in &first {
        let (name, bytes) = call.capture();
        device.put_capture(&name, bytes).await.unwrap();
        for cdr in call.cdrs() {
            pbx.send_cdr(&cdr).await.unwrap();
        }
    }
    let source = nginx.root.join("rec");
    wait("3 records", Duration::from_secs(30), || {
        common::stored_records(&store).len() == 3
    })
    .await;
    wait("the source emptied", Duration::from_secs(15), || {
        captures_in(&source) == 0
    })
    .await;
    assert!(
        fs::read_dir(store.join("REC").join("pulled"))
            .unwrap()
            .next()
            .is_none(),
        "nothing left to delete"
    );
    assert_eq!(board.snapshot().lamps.pcap, Lamp::Green);

    // the server goes away: the lamp turns red, a capture written meanwhile waits there
    nginx.stop();
    wait("the PCAP lamp red", Duration::from_secs(15), || {
        board.snapshot().lamps.pcap == Lamp::Red
    })
    .await;
    assert!(
        board
            .snapshot()
            .recent
            .iter()
            .any(|e| e.text.starts_with("PCAP directory access fails")),
        "{:?}",
        board.snapshot().recent
    );
    let late = calls(1, 22).remove(0);
    let (name, bytes) = late.capture();
    fs::write(source.join(&name), bytes).unwrap();
    for cdr in late.cdrs() {
        pbx.send_cdr(&cdr).await.unwrap();
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(common::stored_records(&store).len(), 3);

    // back: green again, the waiting capture is archived and deleted at the source
    nginx.start_again();
    wait("the 4th record", Duration::from_secs(90), || {
        common::stored_records(&store).len() == 4
    })
    .await;
    wait("the source emptied again", Duration::from_secs(15), || {
        captures_in(&source) == 0
    })
    .await;
    assert_eq!(board.snapshot().lamps.pcap, Lamp::Green);
    service.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_local_folder_source_is_emptied_only_into_the_archive() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("cf");
    fs::create_dir_all(&source).unwrap();
    let store = dir.path().join("store");
    let pull = PullConfig {
        standby: None,
        source: Source::Folder(source.clone()),
        credentials: None,
        poll: Duration::from_millis(300),
        max_capture: 20_000_000,
        trusted_cert: None,
    };
    let service = common::start_recorder(config(pull), common::test_archiver(&store)).await;
    let recorder = service.url.clone();
    let pbx = Simulator::new(&recorder, None).unwrap();
    let list = calls(2, 31);
    // one call with its CDR, one whose CDR has not come yet
    for (i, call) in list.iter().enumerate() {
        let (name, bytes) = call.capture();
        fs::write(source.join(&name), bytes).unwrap();
        if i == 0 {
            for cdr in call.cdrs() {
                pbx.send_cdr(&cdr).await.unwrap();
            }
        }
    }
    fs::write(source.join("notes.txt"), b"not a capture").unwrap();
    wait("1 record", Duration::from_secs(20), || {
        common::stored_records(&store).len() == 1
    })
    .await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(
        captures_in(&source),
        1,
        "the call still waiting for its CDR stays at the source"
    );
    for cdr in list[1].cdrs() {
        pbx.send_cdr(&cdr).await.unwrap();
    }
    wait("2 records", Duration::from_secs(20), || {
        common::stored_records(&store).len() == 2
    })
    .await;
    wait("the folder emptied", Duration::from_secs(10), || {
        captures_in(&source) == 0
    })
    .await;
    assert!(
        source.join("notes.txt").exists(),
        "other files are not touched"
    );
    service.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_https_source_is_trusted_only_with_its_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let Some(nginx) = start_nginx(dir.path(), true) else {
        return;
    };
    let source = nginx.root.join("rec");
    let call = calls(1, 41).remove(0);
    let (name, bytes) = call.capture();
    fs::write(source.join(&name), bytes).unwrap();
    let pull = |trusted_cert| PullConfig {
        standby: None,
        source: Source::parse(&format!("{}/rec/", nginx.url())).unwrap(),
        credentials: Some((USER.0.into(), USER.1.into())),
        poll: Duration::from_millis(300),
        max_capture: 20_000_000,
        trusted_cert,
    };
    for trusted in [None, Some(fs::read(dir.path().join("cert.pem")).unwrap())] {
        // a self-signed certificate is not trusted by default
        let with_cert = trusted.is_some();
        let store = dir
            .path()
            .join(if with_cert { "store-b" } else { "store-a" });
        pull_once(pull(trusted), &store, &call, &source, with_cert).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_source_that_takes_only_digest_logins_is_pulled_with_digest() {
    let dir = tempfile::tempdir().unwrap();
    let Some(apache) = start_apache(dir.path()) else {
        return;
    };
    let source = apache.root.join("rec");
    let call = calls(1, 51).remove(0);
    let (name, bytes) = call.capture();
    fs::write(source.join(&name), bytes).unwrap();
    let pull = |password: &str| PullConfig {
        standby: None,
        source: Source::parse(&format!("{}/rec/", apache.url())).unwrap(),
        credentials: Some((USER.0.into(), password.into())),
        poll: Duration::from_millis(300),
        max_capture: 20_000_000,
        trusted_cert: None,
    };
    pull_once(
        pull("wrong"),
        &dir.path().join("store-a"),
        &call,
        &source,
        false,
    )
    .await;
    let log = fs::read_to_string(dir.path().join("error.log")).unwrap_or_default();
    assert!(
        log.contains("auth_digest") && log.contains("password mismatch"),
        "the recorder answered with a Digest login (Apache's log: {log})"
    );
    pull_once(
        pull(USER.1),
        &dir.path().join("store-b"),
        &call,
        &source,
        true,
    )
    .await;
}

/// Runs a recorder that pulls with `pull` and gets `call`'s CDRs. With `takes`, the
/// capture waiting at `source` must be archived and deleted there, with the PCAP lamp
/// green; without, the lamp must turn red with nothing taken and nothing deleted.
async fn pull_once(pull: PullConfig, store: &Path, call: &SimCall, source: &Path, takes: bool) {
    let service = common::start_recorder(config(pull), common::test_archiver(store)).await;
    let board = service.pipeline.status.clone();
    let pbx = Simulator::new(&service.url, None).unwrap();
    for cdr in call.cdrs() {
        pbx.send_cdr(&cdr).await.unwrap();
    }
    if takes {
        wait("the record", Duration::from_secs(30), || {
            common::stored_records(store).len() == 1
        })
        .await;
        wait("the source emptied", Duration::from_secs(15), || {
            captures_in(source) == 0
        })
        .await;
        assert_eq!(board.snapshot().lamps.pcap, Lamp::Green);
    } else {
        wait("the PCAP lamp red", Duration::from_secs(15), || {
            board.snapshot().lamps.pcap == Lamp::Red
        })
        .await;
        assert_eq!(captures_in(source), 1, "nothing taken, nothing deleted");
        assert!(common::stored_records(store).is_empty());
    }
    service.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pull_sources_of_a_redundant_pbx_pair_follow_the_active_pbx() {
    use callrec::recorder::pbx_link::PbxConfig;
    use callrec::recorder::status::Lamp;
    use callrec::simulator::soap_pbx::SoapPbx;
    let dir = tempfile::tempdir().unwrap();
    let (main_cf, standby_cf) = (dir.path().join("cf-main"), dir.path().join("cf-standby"));
    fs::create_dir_all(&main_cf).unwrap();
    fs::create_dir_all(&standby_cf).unwrap();
    let store = dir.path().join("store");
    let start_pbx = || async {
        SoapPbx::start(
            "127.0.0.1:0".parse().unwrap(),
            SoapPbx::site_users(),
            None,
            Duration::from_millis(300),
        )
        .await
        .unwrap()
    };
    let (main, standby) = (start_pbx().await, start_pbx().await);
    let mut cfg = config(PullConfig {
        standby: Some(Source::Folder(standby_cf.clone())),
        source: Source::Folder(main_cf.clone()),
        credentials: None,
        poll: Duration::from_millis(300),
        max_capture: 20_000_000,
        trusted_cert: None,
    });
    cfg.pbx = Some(PbxConfig {
        standby_url: Some(standby.url()),
        url: main.url(),
        user: "API".into(),
        credentials: None,
    });
    let service = common::start_recorder(cfg, common::test_archiver(&store)).await;
    let status = service.pipeline.status.clone();
    let pbx = Simulator::new(&service.url, None).unwrap();
    let list = calls(2, 41);
    let put = async |folder: &Path, call: &callrec::simulator::SimCall| {
        let (name, bytes) = call.capture();
        fs::write(folder.join(&name), bytes).unwrap();
        for cdr in call.cdrs() {
            pbx.send_cdr(&cdr).await.unwrap();
        }
    };
    wait("the PBX link up", Duration::from_secs(20), || {
        status.snapshot().lamps.pbx == Lamp::Green
    })
    .await;
    // on the main PBX a capture left on the standby's side is still fetched (quietly)
    put(&standby_cf, &list[0]).await;
    wait("1 record", Duration::from_secs(20), || {
        common::stored_records(&store).len() == 1
    })
    .await;
    // the main PBX fails, and its CF with it: the link and the pull follow the standby
    main.stop();
    drop(main);
    wait("the link on the standby", Duration::from_secs(20), || {
        status.snapshot().lamps.standby == Lamp::Yellow
    })
    .await;
    fs::remove_dir_all(&main_cf).unwrap();
    fs::write(&main_cf, b"not a folder any more").unwrap();
    put(&standby_cf, &list[1]).await;
    wait("2 records", Duration::from_secs(20), || {
        common::stored_records(&store).len() == 2
    })
    .await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(
        status.snapshot().lamps.pcap,
        Lamp::Green,
        "the main side out of reach is expected while its PBX is down: {:?}",
        status.snapshot().recent
    );
    // the active (standby) side failing is an alarm
    fs::remove_dir_all(&standby_cf).unwrap();
    fs::write(&standby_cf, b"not a folder any more").unwrap();
    wait("the PCAP lamp red", Duration::from_secs(20), || {
        status.snapshot().lamps.pcap == Lamp::Red
    })
    .await;
    service.stop().await;
}
