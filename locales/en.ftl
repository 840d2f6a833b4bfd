# callrec's texts in English. Every message here must be in de.ftl too (a test fails
# otherwise). A message's value is what a control shows; its .help is the tooltip and
# the F1 help of that control.

## The Player's top bar

sos-on = SOS
    .help = Rescue mode (F12): the newest calls on top, one large Play for the last call, Stop, ±5 s and the meters — everything else hidden. F12 or this button again brings the filters back as they were.
sos-off = SOS off
player-archive = archive
player-store = store
    .help = The records in the store.
player-backup = backup
    .help = The backup folder: also the records retention removed from the store; read only.
player-count = { $total ->
        [one] 1 record
       *[other] { $total } records
    }, { $shown } shown
player-reload = Reload
    .help = Read every folder again, not trusting the index files (after files were changed behind the Player's back).
player-no-audio = no audio device
    .help = No sound card was found: records play silently with moving meters. Connect a device and start the Player again.
player-link-up = LINK: connected to { $server }
player-link-down = LINK down ({ $server }): { $why }; the list stays, trying again
player-unreachable = server not reachable: { $why }
player-contrast = High contrast
    .help = Black and white with a yellow focus, for control rooms and dim screens (kept; the setup's contrast=high starts with it).
help-button = ? Help
    .help = Help for the Player. F1 anywhere opens the help for the control under the pointer or with the keyboard focus.

## Filters

filter-month = Month
    .help = Only records of this month (YYYY_MM); empty: every month.
filter-month-hint = YYYY_MM
filter-day = Day
    .help = Only records of this day of the month (1–31); empty: every day.
filter-internal = Internal
    .help = The internal party's number: * any digits, ? one digit; a plain number matches as a prefix.
filter-external = External
    .help = The external party's number: * any digits, ? one digit; a plain number matches as a prefix.
filter-tan = TAN
    .help = Only records with this TAN (the transaction number a call was tagged with).
filter-tan-hint = digits
filter-direction = direction
filter-both = in + out
filter-incoming = incoming
filter-outgoing = outgoing
filter-newest = newest on top
    .help = The newest record first; off: the oldest first.
filter-recorder = recorder
    .help = Only the calls this recorder (site, building, PBX) archived, as its activity log says; shown when several recorders archive into this store or bucket.
filter-recorder-all = every recorder
filter-show = show
filter-show-all = all records
filter-show-marked = marked
filter-show-last = last played
filter-live = live
    .help = Online search: the list follows each key typed and shows new calls as they arrive; off: the list stays until you search (Enter).
filter-search = Search
    .help = Show the records that match now, new calls included (Enter).

## Transport

player-stop = Stop
    .help = Stop and go back to the start of the record (Esc).
player-play = Play
    .help = Play the selected record, or pause it (space).
player-pause = Pause
player-back = -5 s
    .help = Back 5 seconds (←).
player-forward = +5 s
    .help = Forward 5 seconds (→).
player-prev = Prev
    .help = The record before: in the playlist, or above in the list (↑).
player-next = Next
    .help = The record after: in the playlist, or below in the list (↓).
player-eject = Eject
    .help = Unload the record (E).
player-continue = continue
    .help = When a record ends, play the next one in the list.
player-all = All
    .help = Choose every record shown (Ctrl-click: one more, Shift-click: a range).
player-playlist = Play list ({ $n })
    .help = Play the chosen records one after the other, with a beep between.
player-loop-list = loop list
    .help = After the last record of the playlist, start again.
player-keep-only = Keep only this
    .help = Keep this record in the playlist and drop the others.
player-playlist-at = record { $at } of { $n }
    .help = Where the playlist is.
player-loop = loop
    .help = Play this record again and again (L).
player-set-a = Set A
    .help = The selection loop starts at the play position (A). Set B to start the loop; drag on the waveform to select with the mouse.
player-set-b = Set B
    .help = The selection loop ends at the play position and plays from A again and again (B).
player-ab-on = loop { $a }–{ $b }
player-ab-from = A at { $a }, B not set
player-ab-none = no selection
player-ab-off = Clear A–B
    .help = End the selection loop (X).
player-memory = Memory
    .help = Empty: remember this position; set: play from there; right-click: forget it.
player-memories = Memories
    .help = Play a few seconds from each memory position in turn (round again with loop).
player-time-played = Time played
    .help = Time played of the record; click for the time left (count-down).
player-time-left = Time left
    .help = Time left of the record; click for the time played.
player-original-time = Original time
    .help = The call's own wall-clock time at the play position (local time of the recorder), to compare with logs and dispatch times.
player-position = position
    .help = Drag or click to go to a place in the record.
player-waveform = waveform
    .help = Left channel (external) above, right (internal) below. Click: go there; drag: loop the part between.
player-volume = volume
    .help = The playing volume (kept between runs).
player-mute = mute
    .help = No sound; the meters go on.
player-attenuate = attenuation
    .help = Attenuate this channel (L external, R internal).
player-maximum = Max
    .help = Audio level at maximum: full volume, no attenuation, not muted.
player-audio-slot = Audio setup
    .help = Empty (no bullet): store the audio settings here; stored (•): recall them; right-click: forget them.
player-meter-left = L external
player-meter-right = R internal
player-delta = delta L-R { $db } dB
player-over = OVER
player-sensitive = sensitive
    .help = Meters 20 dB more sensitive, for quiet lines.

## The list

column-date = Date
column-internal = Internal
column-external = External
column-ring = Ring
column-size = Size
column-tan = TAN
column-call-id = Call ID
column-call-id-full = call ID { $id }
column-mark = Mark
column-mark-here = here
column-mark-all = all
column-mark-both = here, all
column-in = in
column-out = out
column-encrypted = { " " }(enc)

## Details of the selected record

details-checking = checking…
verdict-original = original
verdict-manipulated = MANIPULATED
verdict-unsigned = unsigned
verdict-unknown = unknown
details-line-in = { $internal } from { $external }  ·  started { $start } ({ $zone })  ·  ring { $ring } s  ·  { $seconds } s
details-line-out = { $internal } to { $external }  ·  started { $start } ({ $zone })  ·  ring { $ring } s  ·  { $seconds } s
details-cdrs = CDRs ({ $n })
details-marked-here = marked here
    .help = A mark on this Player only.
details-marked-all = marked for all
    .help = A mark every Player on this store sees.
details-notes = Notes
    .help = Notes on this record, saved in the archive with a line in the activity log.
details-save-notes = Save notes
    .help = Save the notes (logged).
details-tan-hint = 6 digits
details-set-tan = Set TAN
    .help = Tag the record with a TAN; a TAN can be changed, not removed.
details-copy-to = Copy to
    .help = The folder Copy and Move put records in.
details-copy = Copy
    .help = A clear copy: decrypted audio, sidecar as plain XML (logged).
details-move = Move
    .help = Move the record's files (as stored: signed, encrypted if they are) out of the archive into this folder; logged in the activity log.
details-delete = Delete
    .help = Delete the record from the archive (asks once more; logged).
details-really-delete = Really delete?

## Messages

msg-mark-not-saved = the mark could not be saved: { $why }
msg-not-permitted = this call belongs to an extension this Player may not play
msg-bucket-unreachable = The archive bucket cannot be read: { $why }. The list shows what it held when last read.
msg-bucket-back = The archive bucket can be read again.
msg-log-not-written = the activity log could not be written: { $why }
msg-settings-not-saved = the Player settings could not be saved: { $why }
msg-memory-not-saved = the memory could not be saved: { $why }
msg-notes-saved = notes saved
msg-notes-not-saved = notes not saved: { $why }
msg-tan-set = TAN set: { $name }
msg-tan-not-set = TAN not set: { $why }
msg-copied = copied to { $folder }
msg-not-copied = not copied: { $why }
msg-moved = moved to { $folder }
msg-not-moved = not moved: { $why }
msg-deleted = deleted
msg-not-deleted = not deleted: { $why }

## Remote control

remote-playing = remote control: playing { $track }
remote-not-permitted = remote control: { $track } is not among the records this Player may play
remote-rc = RC
    .help = This record was started by remote control.
remote-rc-on = RC on
remote-rc-port = remote control port open on { $port }
remote-link = RC link
remote-link-up = RC link: the recorder's commands for this Player arrive
remote-link-down = RC link down: { $why }

## SOS mode

sos-play-last = Play last call
    .help = Play the newest call this Player may hear (space).
sos-pause = Pause
    .help = Pause (space); again to go on.
sos-newest = Newest calls
sos-no-calls = no calls yet
sos-call-in = { $time }   { $internal } from { $external }
sos-call-out = { $time }   { $internal } to { $external }
sos-call = call
    .help = Click to play this call.

## Help

help-window = Help
help-more = More help:
help-player = The Player
    .help = The Player finds and plays the recorded calls. Narrow the list with the filters (month, day, numbers with * and ?, TAN, direction); click a record to select it and Play (space) to hear it: the external party left, the internal party right. Ctrl-click and Shift-click choose several for a playlist or for copying. The details under the transport show whether the record is original (signed and unchanged), its parties, CDRs, notes and TAN. Everything that changes a record is written to the activity log.
help-sos = SOS mode
    .help = For emergency desks: one key (F12) or the red SOS button leaves only the newest calls, one large "Play last call", Stop and ±5 s, in large type. Space plays the last call this Player may hear (or pauses), Esc stops, ← and → skip 5 seconds, a click on a call plays it. F12 again brings back the filters as they were.
help-keys = Keys
    .help = Space: play or pause · Esc: stop · ← →: 5 s back or forward · ↑ ↓: the record before or after · E: eject · L: loop the record · A, B: the selection loop's start and end · X: clear the selection · F12: SOS mode on or off · F1: help for what is under the pointer or focused · Tab and Shift-Tab: move the focus, Enter or space: press the focused button.
help-recorder = The recorder panel
    .help = The lamps show each part of the recorder: green working, yellow waiting or starting, red failed (with the alarm). RESET acknowledges the alarm once its cause is seen; OFF silences it for an hour. The counters count calls, records and errors since the start; the status and error panes show what happened, newest on top.
help-setup = The setup
    .help = Every setting of the recorder and the Player, by tab. A field's tooltip (and F1 on it) tells what it does and which values it takes. Changes take effect when saved; a setup with a password asks for it first.

## The recorder panel

panel-error-log-empty = (the error log is empty)
panel-error-log-unreadable = cannot read the error log: { $why }
panel-folder-not-opened = cannot open { $folder }: { $why }
panel-alarm-cause = ALARM: { $cause }
panel-setup-open = Setup open: recording timers paused
panel-lamp-pbx = PBX link
panel-lamp-cdr = CDR feed
panel-lamp-pcap = PCAP source
panel-lamp-disk = DISK
panel-lamp-backup = BACKUP
panel-lamp-software = SOFTWARE
panel-lamp-clock = PBX clock
panel-lamp-appserver = AppServer link
panel-lamp-active = main PBX in use
panel-lamp-standby = standby PBX in use
panel-lamp-bucket = archive bucket
panel-alarm-switched-off = { " " }(alarm switched OFF)
panel-failing = { $n ->
        [one] { $parts } fails
       *[other] { $parts } fail
    }
panel-warning = Warning: { $parts }
panel-starting = Starting up
panel-normal = Normal operation
panel-extended = extended view
    .help = Show or hide the waiting calls, the status pane and the error pane (the seed's ">" key).
panel-alarm = ALARM
panel-alarm-off = alarm off
panel-arming = arming
panel-no-alarm = no alarm
panel-reset = RESET
    .help = Clear the latched alarm once its cause is seen; it comes back if the cause is still there.
panel-off = OFF
    .help = Switch the master alarm off or on again (the lamps and the status line still tell).
panel-setup = Setup…
    .help = Open the setup; the recorder's timers stop while it is open.
panel-counters = ·  check { $check }  ·  in recording { $recording }  ·  archived { $archived }  ·  not kept { $dropped }  ·  orphans { $orphans }  ·  waiting { $waiting }  ·  errors { $errors }  ·  { $listen }
    .help = Since the start: checks of the PBX, calls being recorded, records archived, calls the recording rules did not keep, captures without a CDR, captures waiting for their CDR, errors; and the address devices upload to.
panel-recording = REC  recording since { $since }  { $running }  { $capture }
panel-more = … and { $n } more
panel-waiting = Waiting for CDR
    .help = Captures whose CDR has not come yet: the count-down (P…), the seconds waited and the capture's name.
panel-archiving = archiving  { $name }
panel-status = Status
panel-errors = Errors
panel-clear = Clear
    .help = Clear the pane on the screen; no log file is changed.
panel-this-run = This run
panel-from-log = From log
    .help = The last 30 errors read back from the error log (again: this run's errors).
panel-open-log-folder = Open log folder
    .help = Open the folder with the error, status and trace logs.
panel-grey = grey
panel-green = green
panel-yellow = yellow
panel-red = red

## Setup keys (setting-NAME: the caption; .help: what it does)

setting-store = Store folder
    .help = Archive root: records go to STORE/YYYY_MM/, the activity log and keys to STORE/TMP/. Or s3://BUCKET/FOLDER: the archive in an S3-compatible object store (see the object store's address, key and secret below), with the same names inside the bucket.
    .hint = a folder, or s3://BUCKET/FOLDER
setting-backup = Backup folder
    .help = Second copy of every record in one flat folder (no month folders); empty: no backup. With the archive in a bucket it may be s3://BUCKET/FOLDER: the copy goes flat into that bucket, and a record leaves this PC only once it is in both.
    .hint = a folder, s3://BUCKET/FOLDER, or empty
setting-s3endpoint = Object store address
    .help = With store=s3://BUCKET/FOLDER: the S3 API of the object store (a Garage node, MinIO, AWS), http://HOST:PORT or https://HOST:PORT. Records are made in the local journal folder and moved into the bucket once they read back there as written; while the bucket cannot be reached they wait in the journal (S3 lamp red, alarm).
    .hint = http://HOST:PORT, or empty
setting-s3key = Object store key
    .help = The access key id the object store gave callrec, with read and write rights on the bucket.
    .hint = an access key id, or empty
setting-s3secret = Object store secret
    .help = The access key's secret; kept sealed in the setup like every password.
    .hint = the key's secret, or empty
setting-s3region = Object store region
    .help = The region the object store signs requests for (AWS: e.g. eu-central-1; Garage: its s3_region, often "garage").
    .hint = a region name
setting-backups3endpoint = Backup object store address
    .help = With backup=s3://BUCKET/FOLDER: the S3 API of another object store for the backup copy (another site's Garage cluster, MinIO, AWS), so that one site's loss does not take both copies; empty: the archive's object store.
    .hint = http://HOST:PORT, or empty
setting-backups3key = Backup object store key
    .help = The access key id the backup's object store gave callrec, with write rights on the backup bucket; empty: the archive's key.
    .hint = an access key id, or empty
setting-backups3secret = Backup object store secret
    .help = That key's secret; kept sealed in the setup like every password.
    .hint = the key's secret, or empty
setting-backups3region = Backup object store region
    .help = The region the backup's object store signs requests for; empty: the archive's.
    .hint = a region name, or empty
setting-journal = Journal folder
    .help = The recorder's working folder (captures and CDRs not yet archived, the AppServer outbox, counters); empty: REC in the store. Several recorders archiving into one store each need their own; a branch recorder keeps it on its own disk, so it records on while the central store cannot be reached and archives everything once it can.
    .hint = a folder, or empty
setting-recorder = Installation name
    .help = Name of this installation in sidecars and the activity log.
    .hint = a name
setting-keeprecording = Keep recording when the window closes
    .help = Closing the window of `callrec recpath=DIR` leaves the recorder running (until Ctrl-C or SIGTERM). Off: closing asks, then stops the recording.
setting-format = Audio format
    .help = How records are stored (see convert).
setting-mix = Channels archived
    .help = stereo (default): external party left, internal right; mono: both mixed in one channel (half the size); left: the external party only; right: the internal (own) party only — for countries that allow recording only one's own side. The same values convert a single capture (convert mix=…).
setting-convertto = Converter output
    .help = What 'callrec converter' turns PCAP records (format=pcap) into: A-law or µ-law WAV, 16-bit WAV or MP3, with the channels of mix; encryption and sealing are kept.
setting-map = Channel map
    .help = Which party is external, for captures that do not say (see convert).
setting-encryptmetadata = Seal metadata
    .help = Seal sidecar metadata with AES-256-GCM (the seed encrypts the .xml). Signatures are made either way.
setting-encryptaudio = Encrypt audio
    .help = Encrypt the audio files too (chunked AES-256-GCM, under 0.1 % larger); only callrec can play them then.
setting-listen = Listen on
    .help = Where the recorder service listens: devices PUT captures to http://ADDRESS:PORT/rec/, the PBX sends CDRs to http://ADDRESS:PORT/cdr, status at /status. Use 0.0.0.0:PORT for the LAN (with httpauth set, or allowopen=on).
    .hint = ADDRESS:PORT
setting-tlscert = HTTPS certificate
    .help = Serve HTTPS with this certificate (chain, PEM) instead of plain HTTP: devices then record to https://RECORDER:PORT/rec/ and the PBX posts CDRs to https://RECORDER:PORT/cdr. Needs tlskey.
    .hint = a PEM file, or empty
setting-tlskey = HTTPS key
    .help = The private key of tlscert (PEM). Keep the file readable by the recorder only.
    .hint = a PEM file, or empty
setting-httpauth = Upload login
    .help = The login devices and the PBX must present, with HTTP Digest (SHA-256 or MD5) or Basic (Basic only over HTTPS or a trusted LAN); empty: none. Needed to listen beyond this PC (see allowopen).
    .hint = user:password, or empty
setting-allowopen = Listen without login
    .help = Listen beyond this PC without a login (httpauth empty). Off: the recorder refuses to start so, since anyone on the network could upload captures and CDRs. On: it starts, with the SOFTWARE lamp yellow and a warning.
setting-maxpcapmb = Largest capture (MB)
    .help = Largest capture accepted, in MB (a 4-hour G.711 call is about 330 MB).
setting-source = Pull source
    .help = Also fetch captures from here, as the seed does: a gateway's CF or a WebDAV server (PROPFIND, or a web server's index page) or a local folder. A file is fetched once its size stays the same for one poll, and deleted there only after the record is safely archived. Empty: devices upload (PUT) to this recorder only.
    .hint = http(s)://HOST/PATH/, a folder, or empty
setting-source2 = Pull source of the standby PBX
    .help = With a redundant PBX pair (pbx2): where the standby PBX's devices record. While the link runs on the standby PBX this source is read as the active one (its failures turn the PCAP lamp red) and the main source quietly, and the other way round; both are always read, so nothing left on either side is forgotten. Empty: one pull source.
    .hint = http(s)://HOST/PATH/, a folder, or empty
setting-sourceauth = Pull source login
    .help = Login at the pull source: sent only when asked, as Digest when the source offers it, else Basic.
    .hint = user:password, or empty
setting-sourcecert = Pull source certificate
    .help = For an https:// pull source: accept exactly this server certificate (pinned; a gateway's own, often self-signed one) instead of one from the system's certificate authorities.
    .hint = a PEM file, or empty
setting-poll = Poll every (s)
    .help = How often the pull source is looked at (the seed: every 5 s); an unreachable source is retried less often, up to once a minute.
setting-pbx = PBX SOAP URL
    .help = The PBX's SOAP API: the recorder keeps a link to it (PBX lamp green while it is up) and lists each call of the monitored users while it runs. Empty: no link (the PBX lamp stays grey; recording works from captures and CDRs alone).
    .hint = http(s)://PBX/PBX0/user.soap, or empty
setting-pbx2 = Standby PBX SOAP URL
    .help = The standby PBX of a redundant pair: when the main PBX stops answering, the link goes to the standby at once (ACT lamp grey, STB lamp yellow) and back to the main (ACT green) as soon as it answers again (it is asked every 10 s). CDRs from either PBX are taken. Empty: no standby.
    .hint = http(s)://STANDBY-PBX/PBX0/user.soap, or empty
setting-pbxuser = Monitoring user
    .help = The PBX user the link logs in as (Initialize): its groups set which users are monitored, e.g. an 'API' user that is an active member of the recording group.
    .hint = a PBX user's long name
setting-pbxauth = PBX login
    .help = HTTP login at the PBX for the SOAP API: answered with Digest (the PBX's default) or Basic, as the PBX asks.
    .hint = user:password, or empty
setting-agents = Agents (extensions)
    .help = Users whose calls are recorded. With neither agents nor group set, every call is kept.
    .hint = extensions, comma-separated
setting-group = Recording group
    .help = Members of this PBX group (the CDR's <grp> list) are agents too.
    .hint = a PBX group name, or empty
setting-tanprefix = TAN prefix
    .help = The number of the PBX object agents dial, followed by the 6-digit TAN, during a call (the seed's TAN prefix): the recorder finds that short call in the CDRs and puts the TAN into the record's name and sidecar. Empty: TANs only from the Player.
    .hint = digits, or empty
setting-licences = Licences (agents)
    .help = At most this many agents are recorded, in the order they are first recorded (kept across restarts). Calls of further agents are not recorded: logged, with the SOFTWARE lamp red and the master alarm (the seed's licence overflow). 0: no limit.
setting-cdrwait = CDR wait (5 s steps)
    .help = How many 5-second steps a capture waits for its CDR (the seed's countdown, shown as P<n>).
setting-orphans = Capture without CDR
    .help = A capture whose CDR never came: keep (archive it, flagged as orphan) or delete (logged).
setting-cdralarm = Alarm if no CDR ticket found
    .help = Alarm if no CDR ticket found: a capture that reaches its CDR deadline turns the CDR lamp red and raises the alarm. Off: the lamp turns yellow with a warning (for sites where some devices record without CDRs).
setting-cdrsilence = Alarm if no CDR for (min)
    .help = No CDR for this many minutes while captures arrive: the CDR feed is broken (CDR lamp red, alarm). 0: not watched.
setting-clockskew = PBX clock may differ by (s)
    .help = The PBX's clock may differ from this PC's by this much (read from CDR posts, CDR end times and SOAP answers); beyond it the CLOCK lamp turns red and the alarm rises. 0: not checked.
setting-appserver = AppServer (HOST:PORT)
    .help = An external application's server (booking, ticketing, dispatch) to tell of every agent's call: !FRST! with the call's UID when it starts, !LAST! with the record's name when it is stored; it may send commands for named Players back (docs/INTERFACES.md). Messages wait on disk while it is down. Empty: none.
    .hint = HOST:PORT, or empty
setting-appserverkeepalive = Keep-alive every (s)
    .help = Send !KEEP! to the AppServer after this many seconds in which nothing else was sent or received. 0: never.
setting-appserverack = AppServer acknowledges
    .help = The AppServer answers every message with !ACKN!: a message counts as delivered only then (else: once the connection stayed up a moment after it). On gives exactly-once delivery across AppServer restarts, if the AppServer supports it.
setting-playername = Player name
    .help = This Player's name (the seed's naming of Players): its account at the recorder and the name an external application uses to make it play a record. Empty: not linked to a recorder for commands.
    .hint = a name (letters, digits, space . _ -)
setting-playerserver = Recorder (link for commands)
    .help = The recorder this Player links to (its Player API): commands for this Player's name come from there. Empty: none.
    .hint = https://HOST:PORT, or empty
setting-playercert = Recorder certificate
    .help = The certificate of playerserver (PEM) to accept exactly: a recorder's own, often self-signed one. Empty: checked against the system's certificate authorities.
    .hint = a PEM file, or empty
setting-playerpassword = Player password
    .help = The password of the Player's account (playername) at the recorder.
    .hint = the account's password
setting-controlport = Remote control port
    .help = A port this Player listens on for direct remote control: lines such as !PLAY!RECORD over TCP, or a browser's GET http://PC:PORT/!PLAY!RECORD (docs/INTERFACES.md); 'RC on' shows in the status line. 0: off.
setting-controlallow = Remote control from
    .help = Who may use the control port; anyone else is refused at once.
    .hint = addresses or networks (10.0.0.0/8), comma-separated
setting-popup = Pop up on remote play
    .help = Bring the Player's window to the front when a remote play arrives, and minimise it on a remote eject (for agents who work in their application).
setting-mode = Recording mode
    .help = std: every call the rules keep is stored; tcr (threat call recording): only calls the agent marked (GET /mark?agent=N, or a file TMP/TCR-<agent>.txt) during the call or within tcrwindow after it.
setting-tcrwindow = TCR window (min)
    .help = How long after a call the agent may still mark it (tcr mode).
setting-randomsystem = Every n-th call
    .help = Random recording: keep only every N-th call of the whole system (0 or 1: all).
setting-randomagent = Every n-th per agent
    .help = Random recording: keep only every N-th call of each agent (0 or 1: all).
setting-keepmonths = Keep months
    .help = Delete records older than this many months (each deletion logged; the backup folder is kept). 0: keep for ever.
setting-trace = Trace log
    .help = Write every recorder operation to the trace log iREC_sys_log.txt in the setup folder (errors always go to iREC_err_log.txt). For the first days and for trouble-shooting.
setting-logmb = Log size cap (MB)
    .help = Size cap of each log file in MB; a full log is renamed to .1 (then .2, .3) and a new one started, so logs never fill the disk.
setting-smtp = SMTP server
    .help = Mail server for alarm e-mails; empty: no e-mail.
    .hint = HOST:PORT, or empty
setting-smtpsecurity = SMTP security
    .help = How the connection to the mail server is protected: starttls (port 587; the server must offer it, or nothing is sent), tls (port 465) or none (a relay on this machine or a closed network).
setting-smtpcert = SMTP server certificate
    .help = Trust this certificate (PEM) for the mail server besides the public roots: the company CA that signed the server's certificate (or a self-signed server certificate not marked as a CA). The server's name in smtp= must match the server's certificate.
    .hint = a PEM file, or empty
setting-smtpauth = SMTP login
    .help = Login at the mail server; empty: none.
    .hint = user:password, or empty
setting-mailfrom = Mail from
    .help = Sender of alarm e-mails.
    .hint = an e-mail address
setting-mailto = Alarm mail to
    .help = Who receives alarm e-mails (the administrator).
    .hint = e-mail addresses, comma-separated
setting-allowcopy = May copy
    .help = The Player may make clear copies of records (each copy is logged).
setting-allowdelete = May delete
    .help = The Player may delete records (each deletion is logged in the activity log).
setting-allowtan = May set TANs
    .help = The Player may add and change TANs (the seed's TAN permission; a TAN can be changed, never removed).
setting-allownotes = May write notes
    .help = The Player may write notes to records (logged).
setting-extensions = Shows calls of
    .help = The Player shows only calls of these internal numbers (21 is exactly 21; 3* is every number starting with 3). Empty: every call.
    .hint = numbers with * and ?, comma-separated, or empty
setting-players = Network Player accounts
    .help = Player accounts for the network (Players on other PCs): one line each, NAME|ARGON2-HASH|RIGHTS|EXTENSIONS. Add or change one with `callrec setup account=NAME password=PW [rights=copy,delete,tan,notes,alarm,control|none] [extensions=21,3*]`; the server checks every request against it.
    .hint = account lines (set with account=NAME)
setting-sosstart = Start in SOS mode
    .help = Start the Player in SOS (rescue) mode: filters off, newest call on top, one large Play. For emergency desks.
setting-contrast = Look
    .help = The windows' look: high is black and white with a yellow focus, for control rooms; the Player's toolbar switches it too.
setting-language = Language
    .help = The language of every window, message and help: auto follows the system's locale (LANG).
setting-customerkey = Customer key
    .help = Seal new records with this customer key instead of the built-in one. Changing it keeps the previous key for reading (readkeys), so every period stays readable.
    .hint = a passphrase, or empty
setting-readkey = Add a read key
    .help = Add a customer key for reading only (e.g. a Player that must open an older period). Kept in readkeys.
    .hint = a passphrase

## The setup dialog

setup-heading = callrec setup  { $version }
setup-passwords-differ = the new password and its repetition differ
setup-unlocked = Unlocked.
setup-wrong-password = Wrong password.
setup-not-saved = Not saved: { $why }
setup-saved = Saved in { $folder }. A running recorder uses the new setup after its next start.
setup-protected = This setup is protected. Give the setup password (or the store's central password) to change it.
setup-password = Password
setup-unlock = Unlock
setup-close = Close
    .help = Leave the setup; unsaved changes are dropped.
setup-browse = Browse…
setup-password-explained = The setup password protects this dialog. Saving with a new password also sets the central password of the store (STORE/TMP/SPlayer.xml): any other installation that points at the same store needs it before it may save.
setup-new-password = New password
setup-repeat = Repeat
setup-no-match = does not match
setup-save = Save
    .help = Check and save every tab.
setup-to-correct = { $n ->
        [one] 1 value to correct
       *[other] { $n } values to correct
    }
tab-general = General
    .help = The installation's name, language, what closing the window does, and the logs.
tab-pbx = PBX
    .help = The link to the PBX (SOAP): which users are agents and are recorded, TANs and licences.
tab-reporting = CDR/Reporting
    .help = How long a capture waits for its CDR, what happens to one without, and when a missing CDR feed raises the alarm.
tab-pcap = PCAP source
    .help = Where captures come from: uploads to this recorder (address, HTTPS, login) or a gateway's CF or WebDAV server to fetch them from.
tab-storage = Storage & backup
    .help = The store folder, the backup folder and the audio format of the records.
tab-retention = Retention
    .help = How many months records are kept.
tab-modes = Modes/TCR
    .help = Record every call, only calls the agent marks (TCR), or every n-th call.
tab-encryption = Encryption & keys
    .help = Sealing the metadata and encrypting the audio, the customer key and keys for reading older periods.
tab-email = E-mail
    .help = The mail server and who gets alarm e-mails.
tab-permissions = Permissions
    .help = What the Player on this PC may do and show, and the setup password.
tab-players = Network Players
    .help = The accounts of Players on other PCs, with their rights and extensions.
tab-player = Player
    .help = This Player: SOS start, look, and its link to a recorder for remote commands.
tab-interfaces = External applications
    .help = The AppServer link (booking, ticketing, dispatch) and the Player's remote-control port.

## The command line (callrec help)

cli-mode-app = The application: the recorder on background tasks and one window with the Player and the recorder's panel (lamps, master alarm with RESET/OFF, counters, calls waiting, status and error panes).
cli-mode-convert = Convert a call capture (pcap/pcapng) to stereo audio, external party left. With in=DIR every capture in the tree is converted into the same tree under out=DIR. Exit 0: clean; 1: written with warnings; 2: nothing usable.
cli-mode-inspect = Print JSON about a capture (streams, codec, loss, jitter, DTMF digits, duration, warnings), or about an archive record (what its name says, its metadata, and its verdict: original, manipulated, unsigned or unknown). Exit 0: clean/original; 1: warnings/not original.
cli-mode-import = Archive captures exactly as the recorder does: stereo audio, signed (and sealed) sidecar, audit line, backup copy. Parties and times come from the CDR file when given (matched by the conference id in the capture's name), otherwise from the capture. Importing the same capture again changes nothing.
cli-mode-verify = Check every record of the archive (and the backup folder): verdict per record, the audit chain, missing and unlogged records. Exit 0 only if everything is original and complete.
cli-mode-copy = Copy a record out of the archive in the clear (audio decrypted, sidecar as plain XML), logged as 'copied' in the activity log. With the archive in a bucket, in= names the record as there (YYYY_MM/NAME).
cli-mode-service = Run the recorder headless until Ctrl-C or SIGTERM: devices PUT captures to /rec/, the PBX sends CDRs to /cdr, every kept call is archived (see import), status as JSON at /status.
cli-mode-fileserver = Serve the store to Players on other PCs (the Player API under /api/v1/, docs/API.md) and record nothing. Players log in with the accounts of the setup (setup account=NAME password=PW); beyond loopback only over HTTPS (tlscert, tlskey) unless allowopen=on. The recorder (service, or the app) serves the same API on its port when accounts exist.
cli-mode-player = Open the Player window on the archive: filters, the list of calls, Play with level meters, loops, and SOS mode (newest call on top, one large Play). seconds=N closes it after N seconds. With server=, the archive of a recorder or fileserver on another PC (docs/API.md): what the account may see, played over the network; cert= pins the server's certificate.
cli-mode-simulate = Play scripted calls against a running recorder as an innovaphone PBX and its devices would: captures by PUT, CDRs in the three CDR0/CDR1 shapes. With soap=, the PBX's SOAP API is also served there (http://ADDRESS:PORT/PBX0/user.soap: each call's start and end), and stays up after the calls until Ctrl-C. clock=SECONDS sets the simulated PBX's clock that far off this PC's (its CDRs, CDR posts and SOAP answers), to see the CLOCK lamp react.
cli-mode-move = Move a record (audio, sidecar, notes) as it is, encrypted or not; logged as 'moved'.
cli-mode-delete = Delete a record; logged as 'deleted' first, so verify never calls it missing.
cli-mode-tan = Attach or change a record's TAN (1–6 digits; the name gets _T<tan>); logged as 'tan'. A TAN can be changed, not removed.
cli-mode-note = Write a record's notes (<name>.txt); logged as 'note'.
cli-mode-setup = Open the setup window (tabs, help, checks, password; leaving it ends the program), or with show=text or without a display print the setup. KEY=VALUE changes the setup without a window. Setup keys are listed below; any of them also overrides the saved value for one run of any command. With account=NAME it adds or changes a network Player account instead: password=PW (at least 8 characters), rights=copy,delete,tan,notes,alarm,control or none (default copy,tan,notes), extensions=21,3* (default: every call); a protected setup is unlocked with setuppassword=.
cli-mode-synth = Write a generated innovaphone-style call recording (ports 16386/16388, dummy SIP): two tones, clicks every 5 s, a DTMF digit. For trying callrec without a PBX.
cli-mode-help = Show this list.
cli-key-in = The capture to read, or a folder of captures.
cli-key-out = Where to write; a folder when in= is a folder.
cli-key-format = Output encoding. alaw (default): WAV with G.711 A-law, about 1 MB per stereo minute; ulaw: WAV µ-law; pcm: WAV 16-bit; mp3: LAME MP3; pcap: the capture unchanged.
cli-key-map = Which party is external. phone: an innovaphone phone recorded (its side, port 16386, is internal); gateway: a gateway interface recorded (its side is external); swap: mirror the automatic choice; auto (default): phone for innovaphone files, the documented rule for other captures.
cli-key-codec = Codec of a generated call (synth); g729 uses Annex B silence suppression.
cli-key-recpath = Setup folder (setup file, identity key). Default: the user's configuration folder.
cli-key-cdr = innovaphone PBX CDR XML (one <cdr> per line, as the PBX sends them) for import.
cli-key-show = setup: open the setup window (default where a display is) or print the setup as text.
cli-key-password = The setup password (or the store's central password), needed to save a protected setup.
cli-key-account = setup: the network Player account to add or change (see setup).
cli-key-server = player: the recorder or fileserver whose archive the Player shows (with account= and password=).
cli-key-cert = player server=: accept exactly this server certificate (a recorder's own, self-signed one).
cli-key-trust = player server=: pin the server's own certificate when its fingerprint is this one (it is kept for next time).
cli-key-rights = setup account=: what the account may do besides listening.
cli-key-setuppassword = setup account=: the setup password of a protected setup.
cli-key-setpassword = Set a new setup password; it also becomes the store's central password.
cli-key-tan = The transaction number for 'tan'.
cli-key-text = The notes for 'note'.
cli-key-gap = simulate: pause between two calls.
cli-key-clock = simulate: how far the simulated PBX's clock is off this PC's (CDR times, CDR posts, SOAP answers).
cli-key-soap = simulate: serve the PBX's SOAP API there for the recorder's PBX link (setup key pbx=).
cli-key-url = The recorder that simulate plays calls against.
cli-key-calls = How many calls simulate plays (default 10).
cli-key-fault = What goes wrong in simulated calls (default mixed: duplicate, early and late CDRs).
cli-key-json = verify: print the full report as JSON.
cli-key-seconds = Length of a generated call in seconds (synth, simulate).
cli-intro = callrec — call recorder and player for innovaphone PBX sites

    Words and key=value pairs may come in any order; /word, -word and word are the same.
    Keys are case-insensitive, values are not.
cli-modes = Modes
cli-keys = Keys
cli-setup-keys = Setup keys (saved by 'setup'; on any other command they override the setup for that run)
cli-default = default { $value }

## Closing the window

close-question = Stop recording?
close-explained = The recorder runs in this window. Closing it stops the recording: devices' uploads and the PBX's CDRs are refused until callrec runs again. Captures already received stay in the journal and are archived at the next start.
close-how-to-keep = To keep recording without the window, set "Keep recording when the window closes" in the setup, or run the recorder as a service.
close-keep = Keep recording
close-stop = Stop recording and close

## Export for evidence (the ZIP's call sheet and README)

evidence-title = Call record — export for evidence
evidence-record = Record
evidence-call = The call
evidence-internal = Internal party
evidence-external = External party
evidence-direction = Direction
evidence-start = Started
evidence-ring = Ringing
evidence-duration = Length
evidence-uid = Call ID
evidence-recorder = Recorded by
evidence-cdrs = Call flow (the PBX's CDRs)
evidence-no-cdrs = No CDR was recorded with this call.
evidence-no-metadata = The record's metadata cannot be read here (no sidecar, or sealed with a key this installation lacks).
evidence-integrity = Integrity
evidence-verdict = Verdict
evidence-reason = Reason
evidence-signer = Signed by
evidence-stored-hash = SHA-256 as stored
evidence-clear-hash = SHA-256 of the clear audio
evidence-how-to-check = Offline check: bash verify-record.sh original/AUDIO keys — it recomputes the stored audio's SHA-256 and checks the sidecar's Ed25519 signature with OpenSSL against the signer's public key in keys/.
evidence-log = Activity log (every line naming this call, signed and chained)
evidence-no-log = No line of the activity log names this call.
evidence-exported = Exported by
evidence-readme = Evidence export of the call record { $base }

    { $audio }          the call's audio, to listen to (external party left, internal right)
    original/         the record exactly as the recorder stored and signed it
    keys/             the public keys of the record's signer and of the activity log's writers
    activity-log.txt  every line of the signed, chained activity log that names this call
    call-sheet.pdf    parties, times, the PBX's call flow, the verdict, the hashes, the signer

    To check the record without callrec (bash, sha256sum, base64, OpenSSL 3):

        bash verify-record.sh original/{ $audio } keys

    It prints "original: signed by ed-…" and exits 0 when the stored audio and its sidecar
    are exactly as signed; any change to either makes it fail.
details-evidence = Evidence ZIP
    .help = Export for evidence into the "Copy to" folder: a ZIP with the audio, the record as stored and signed, the public keys, the activity-log lines, a PDF call sheet and an offline check (logged like a copy).
msg-evidence = evidence ZIP written: { $file }
msg-not-evidence = no evidence ZIP: { $why }
cli-mode-evidence = Export a record for evidence: DIR/NAME-evidence.zip with the audio in the clear, the record as stored and signed, the public keys, the activity-log lines naming the call, a PDF call sheet and verify-record.sh to check it offline; logged as 'copied'. With the archive in a bucket, in= names the record as there (YYYY_MM/NAME).
msg-batch-done = { $action }: { $done } of { $n } records
msg-batch-failed = { $action }: { $done } of { $n } records; { $why }
msg-working = working…
details-chosen = { $n } records chosen:
    .help = Copy, Move, Delete and the evidence export act on every chosen record (Ctrl-click: one more, Shift-click: a range, All: every record shown).
details-large = Large
    .help = The record's details in large type, in a window of their own (parties, times, the original time, notes).
details-large-title = Call details
filter-share-marks = Share my marks ({ $n })
    .help = Copy the records marked on this Player to the marks every Player on this store sees (your own marks stay).
msg-marks-shared = { $n ->
        [one] 1 mark shared with every Player
       *[other] { $n } marks shared with every Player
    }

## The Network Players tab and the remote recorder

players-right-copy = copy
    .help = may copy records out
players-right-delete = delete
    .help = may delete records
players-right-tan = TAN
    .help = may set TANs
players-right-notes = notes
    .help = may write notes
players-right-alarm = alarm
    .help = may RESET and switch off the recorder's alarm
players-right-control = control
    .help = may make other Players play (URL commands, docs/INTERFACES.md)
players-explained = Players on other PCs log in with one of these accounts. The server checks every request: extensions limit which calls an account lists and plays, rights what it may change. An account's name is also its Player's name for remote control.
players-unreadable = The accounts cannot be read: { $why }
players-account = Account
players-rights = Rights
players-every-call = every call
players-extensions = Extensions
    .help = the internal numbers whose calls it sees (21, 3*); empty: all
players-remove = Remove
players-remove-help = remove the account { $name }
players-removed = Account { $name } removed.
players-add-heading = Add an account
players-name = Name
players-password-hint = 8 characters or more
players-add = Add account
    .help = An account with the same name is replaced.
players-added = Account { $name } added; Save to keep it.
remote-alarm-reset = alarm reset at the recorder
remote-alarm-off = alarm switched off at the recorder
remote-alarm-on = alarm switched on at the recorder
remote-alarm-refused = the recorder did not take it: { $why }
app-setup-unreadable = the setup cannot be opened: { $why }
app-setup-window = Setup
cli-mode-converter = Converter mode, beside a recorder that stores PCAP records (format=pcap): every PCAP record of the store becomes a record in convertto's format with the setup's channels (mix), under the same name, signed anew, encrypted and sealed as it was; the PCAP's line in the activity log becomes a 'moved' to the new file. Runs until Ctrl-C, looking again every poll seconds; once=on converts what is there and ends. A run cut off is finished by the next: each record is converted once.
cli-key-once = converter: convert what is there, then end.

## Why a record has its verdict (the integrity check)

reason-not-utf8 = the sidecar is not UTF-8 text (not callrec's)
reason-foreign = the sidecar is not a callrec sidecar (seed-era or foreign)
reason-damaged = the sidecar is damaged: { $why }
reason-newer = sidecar version { $version } is newer than this program
reason-edited = the sidecar was edited (it is not byte for byte as written)
reason-not-base64 = the metadata is not valid base64
reason-untrusted = signer { $signer } is not a trusted key
reason-signature = the sidecar was changed: its signature does not match
reason-audio-changed = the audio file was changed: its SHA-256 does not match
reason-audio-missing = the audio file is missing
reason-audio-unreadable = the audio file cannot be read: { $why }
reason-key-missing = sealed with key { $key }, which this installation does not hold
reason-encoding = metadata encoding '{ $encoding }' is not known
reason-original = signed, sidecar and audio unchanged
reason-metadata-unreadable = the metadata cannot be read: { $why }
reason-sealed = the sealed metadata does not open with its key
reason-no-sidecar = no sidecar: the record carries only what its name says
reason-sidecar-unreadable = the sidecar cannot be read: { $why }
reason-too-large = the sidecar is too large to be callrec's
reason-vanished = the sidecar vanished while it was checked
reason-sidecar-lost = manipulated (sidecar missing): the activity log recorded this record as stored and signed

## The recorder's events: the PBX link, the archive's bucket, pull sources, the AppServer link

event-pbx-no-client = PBX link: no HTTP client: { $why }
event-pbx-main-failed = PBX link failure on the main PBX: { $why }
event-pbx-failed = PBX link failure: { $why }
event-pbx-main-back = the main PBX answers again: the PBX link goes back to it ({ $url })
event-pbx-on-standby = PBX link on the standby PBX ({ $url }): the main PBX does not answer
event-pbx-up-again = PBX link up again ({ $url })
event-pbx-up = PBX link up ({ $url })
event-bucket-retention = retention: { $n } record(s) older than { $months } month(s) deleted from the bucket
event-bucket-retention-failed = retention in the archive bucket: { $why }
event-bucket-renamed = { $local }: the bucket held another recorder's record of that name; stored as { $stored }
event-bucket-backup-failed = backup copy: { $why }; the records wait in the local journal until the backup's bucket takes them
event-bucket-backup-again = the backup's bucket takes copies again
event-bucket-converter-gone = the converter has not been seen for { $seconds } s: PCAP records move into the bucket unconverted, { $n } record(s) it left half converted wait for it; start `callrec converter` again
event-bucket-local = archive bucket: { $why }
event-bucket-again = the archive bucket { $target } takes records again after { $seconds } s
event-bucket-failed = { $why }; { $n } record(s) wait in the local journal and are moved when the bucket takes them
event-pull-no-client = PCAP source: no HTTP client: { $why }
event-pull-again = PCAP source { $source } readable again
event-pull-too-large = { $name }: { $bytes } bytes is more than maxpcapmb allows; left at the source
event-pull-failed = PCAP directory access fails: { $why }
event-pull-not-deleted = { $name }: archived, but not yet deleted at the source: { $why }
event-app-full = AppServer message not kept: { $n } messages wait for the AppServer already (is it down?): { $line }
event-app-not-written = AppServer message not written to the outbox ({ $why }): { $line }
event-app-down = AppServer { $address } down for { $minutes } minutes: { $why }; { $n } messages wait for it
event-app-away = AppServer { $address }: { $why }; messages wait in the outbox ({ $n }) and are sent when it is back
event-app-connected = AppServer { $address } connected; { $n } messages to send
event-app-connected-again = AppServer { $address } connected again; { $n } messages to send
event-app-outbox = AppServer: { $why }
event-start-setup = Start-up check 1/5: setup is plausible
event-start-cdr = Start-up check 2/5: CDR intake answers at { $url } (the CDR lamp turns green with the first CDR)
event-cdr-intake-failed = Reporting link failure: the CDR intake does not answer: { $why }
event-start-failed = the start-up check itself failed
event-pull-waiting = PCAP source { $source }: { $n } capture(s) waiting
event-start-pcap = Start-up check 3/5: PCAP directory { $path } readable
event-start-store = Start-up check 4/5: store path { $path } writable
event-store-failed = Store path fails: { $path }: { $why }
event-start-backup-bucket = Start-up check 5/5: backup copies go into the backup's bucket as records move
event-start-no-backup = Start-up check 5/5: no backup path set (lamp grey)
event-start-backup = Start-up check 5/5: backup path { $path } writable
event-backup-failed = Backup path fails: { $path }: { $why }
event-normal = Normal Operation
event-store-again = Store path is writable again
event-backup-again = Backup path is writable again
event-setup-open = Setup open: recording timers paused
event-setup-closed = Setup closed: recording timers running
event-listening = recorder listening on { $url }
event-fingerprint = HTTPS certificate SHA-256 fingerprint { $fingerprint }
event-open-listen = the recorder listens on { $address } without a login: anyone who reaches this PC can upload captures and CDRs (set httpauth)
event-stopped = recorder stopped
event-mail-sent = alarm e-mail sent
event-mail-failed = alarm e-mail not sent: { $why }
event-logins-slowed = { $n } failed logins in a row from { $address } (last for { $target }): it now waits before each further try
event-logins-refused = { $n } refused logins in a row from { $address }: a device with a wrong password, or someone guessing it
event-partial-upload = { $name }: upload ended early; kept as a partial capture
event-upload-not-stored = { $name }: cannot store the upload: { $why }
event-cdr-refused = CDR refused: { $why }
event-cdr-flood = CDRs from { $address } arrive faster than a PBX sends them: refused for now
event-cdr-not-stored = cannot store a CDR: { $why }
event-tcr-mark = TCR mark from agent { $agent }
event-journal-unreadable-cdrs = journal: { $n } unreadable CDR line(s) in REC/cdr skipped
event-cdrs-again = CDRs arrive again: the CDR lamp is green
event-clock-again = PBX clock agrees with this PC's clock again
event-orphan = No CDR for { $capture } within { $seconds } s: { $what }. Check that the PBX sends the CDRs of this device's calls to this recorder
event-cdr-feed-failed = CDR feed failure: no CDR for { $span } while { $n } capture(s) arrived. Check the PBX's CDR0/CDR1 interface (address, path, login) and its reporting licences
event-retention = retention: { $n } record(s) older than { $months } months deleted
event-retention-failed = retention: { $why }
event-journal-cdrs-pruned = journal: { $n } CDR(s) older than { $days } days removed
event-journal-prune-failed = journal: pruning CDRs: { $why }
event-journal-unreadable = cannot read the journal: { $why }
event-licence-overflow = licence overflow: agent { $agent } is beyond the { $n } licence(s); its calls are not recorded
event-licences-failed = cannot update the licence list: { $why }
event-sample-failed = cannot count the sample: { $why }
event-software-error = software error while archiving: { $why }
event-upload-again = { $name }: a new upload of this name arrived while it was archived; it is archived too
event-not-removed = { $name } archived, but not removed from the journal: { $why }
event-backup-after-all = backup copy of { $record } made after all
event-stored = stored { $record }
event-capture-kept = the capture is kept in { $path }
event-capture-stays = the capture stays in the journal (it could not be set aside: { $why })
event-no-record = { $name }: no record made ({ $why }); { $kept }
event-not-archived-yet = { $name }: not archived yet: { $why }
event-not-kept = { $name }: not kept ({ $why })
event-cannot-drop = { $name }: cannot drop: { $why }
event-command-sent = { $command } for Player { $player }, sent by { $account }
event-alarm-reset = alarm reset by Player { $account }
event-alarm-off = alarm switched OFF by Player { $account }
event-alarm-on = alarm switched ON by Player { $account }
event-window-closed = Window closed: the recorder keeps recording (stop it with Ctrl-C or SIGTERM)
event-clock-skew = PBX clock is { $span } { $ahead ->
        [yes] ahead of
       *[no] behind
    } this PC's clock{ $late ->
        [yes] {" "}(or the PBX sends its CDRs that late)
       *[no] {""}
    }, by { $source ->
        [post] the send time of its CDR posts
        [soap] the time of its SOAP answers
       *[end] the end times of its CDRs
    }; limit { $limit } s. Records are named and kept by the PBX's time: set the PBX and this PC from the same time server
event-upload-superseded = { $name }: a complete upload superseded the partial copy in the journal
event-upload-identical = { $name }: received again with the same content; the journal keeps one copy
event-upload-beside = { $name }: another capture of this name is waiting; both are kept (journal { $key })
event-orphan-kept = archived as an orphan record
event-orphan-deleted = deleted, as the setup says (orphans=delete)
span-days = { $n } days
