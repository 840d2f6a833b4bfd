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
