# Die Texte von callrec auf Deutsch. Jede Nachricht aus en.ftl muss hier stehen (sonst
# schlägt ein Test fehl). Der Wert einer Nachricht steht auf dem Bedienelement, ihr
# .help ist Tooltip und F1-Hilfe dazu.

## Die obere Leiste des Players

sos-on = SOS
    .help = Notfallmodus (F12): die neuesten Gespräche oben, eine große Taste zum Abspielen des letzten Gesprächs, Stopp, ±5 s und die Pegelanzeigen — alles andere ausgeblendet. F12 oder diese Taste noch einmal stellt die Filter wieder her, wie sie waren.
sos-off = SOS aus
player-archive = Archiv
player-store = Ablage
    .help = Die Aufnahmen in der Ablage.
player-backup = Sicherung
    .help = Der Sicherungsordner: auch die Aufnahmen, die die Aufbewahrungsfrist aus der Ablage entfernt hat; nur lesbar.
player-count = { $total ->
        [one] 1 Aufnahme
       *[other] { $total } Aufnahmen
    }, { $shown } angezeigt
player-reload = Neu laden
    .help = Alle Ordner neu lesen, ohne den Indexdateien zu trauen (wenn Dateien am Player vorbei geändert wurden).
player-no-audio = kein Audiogerät
    .help = Keine Soundkarte gefunden: Aufnahmen laufen stumm mit bewegten Pegelanzeigen. Gerät anschließen und den Player neu starten.
player-link-up = VERBINDUNG: mit { $server } verbunden
player-link-down = VERBINDUNG unterbrochen ({ $server }): { $why }; die Liste bleibt, neuer Versuch läuft
player-unreachable = Server nicht erreichbar: { $why }
player-contrast = Hoher Kontrast
    .help = Schwarz-weiß mit gelbem Fokus, für Leitstellen und dunkle Bildschirme (bleibt gespeichert; contrast=high in der Einrichtung startet damit).
help-button = ? Hilfe
    .help = Hilfe zum Player. F1 öffnet überall die Hilfe zu dem Element unter dem Mauszeiger oder mit dem Tastaturfokus.

## Filter

filter-month = Monat
    .help = Nur Aufnahmen dieses Monats (JJJJ_MM); leer: alle Monate.
filter-month-hint = JJJJ_MM
filter-day = Tag
    .help = Nur Aufnahmen dieses Tages im Monat (1–31); leer: alle Tage.
filter-internal = Intern
    .help = Die Nummer des internen Teilnehmers: * beliebige Ziffern, ? eine Ziffer; eine einfache Nummer passt als Anfang.
filter-external = Extern
    .help = Die Nummer des externen Teilnehmers: * beliebige Ziffern, ? eine Ziffer; eine einfache Nummer passt als Anfang.
filter-tan = TAN
    .help = Nur Aufnahmen mit dieser TAN (der Vorgangsnummer, mit der ein Gespräch markiert wurde).
filter-tan-hint = Ziffern
filter-direction = Richtung
filter-both = ein + aus
filter-incoming = eingehend
filter-outgoing = ausgehend
filter-newest = neueste oben
    .help = Die neueste Aufnahme zuerst; aus: die älteste zuerst.
filter-recorder = Recorder
    .help = Nur die Gespräche, die dieser Recorder (Standort, Gebäude, PBX) archiviert hat, laut seinem Aktivitätsprotokoll; erscheint, wenn mehrere Recorder in diese Ablage oder diesen Bucket archivieren.
filter-recorder-all = alle Recorder
filter-show = zeigen
filter-show-all = alle Aufnahmen
filter-show-marked = markierte
filter-show-last = zuletzt gespielte
filter-live = live
    .help = Online-Suche: die Liste folgt jeder Eingabe und zeigt neue Gespräche, sobald sie da sind; aus: die Liste bleibt, bis Sie suchen (Eingabetaste).
filter-search = Suchen
    .help = Die jetzt passenden Aufnahmen zeigen, neue Gespräche eingeschlossen (Eingabetaste).

## Wiedergabe

player-stop = Stopp
    .help = Anhalten und zum Anfang der Aufnahme zurück (Esc).
player-play = Abspielen
    .help = Die ausgewählte Aufnahme abspielen oder anhalten (Leertaste).
player-pause = Pause
player-back = -5 s
    .help = 5 Sekunden zurück (←).
player-forward = +5 s
    .help = 5 Sekunden vor (→).
player-prev = Zurück
    .help = Die Aufnahme davor: in der Wiedergabeliste oder darüber in der Liste (↑).
player-next = Weiter
    .help = Die Aufnahme danach: in der Wiedergabeliste oder darunter in der Liste (↓).
player-eject = Auswerfen
    .help = Die Aufnahme entladen (E).
player-continue = fortsetzen
    .help = Wenn eine Aufnahme endet, die nächste der Liste abspielen.
player-all = Alle
    .help = Alle angezeigten Aufnahmen wählen (Strg-Klick: eine mehr, Umschalt-Klick: ein Bereich).
player-playlist = Liste abspielen ({ $n })
    .help = Die gewählten Aufnahmen nacheinander abspielen, mit einem Signalton dazwischen.
player-loop-list = Liste wiederholen
    .help = Nach der letzten Aufnahme der Wiedergabeliste von vorn beginnen.
player-keep-only = Nur diese behalten
    .help = Diese Aufnahme in der Wiedergabeliste behalten und die anderen entfernen.
player-playlist-at = Aufnahme { $at } von { $n }
    .help = Wo die Wiedergabeliste steht.
player-loop = Schleife
    .help = Diese Aufnahme immer wieder abspielen (L).
player-set-a = A setzen
    .help = Die Auswahlschleife beginnt an der Abspielposition (A). B setzen startet die Schleife; mit der Maus auf der Wellenform ziehen wählt einen Bereich.
player-set-b = B setzen
    .help = Die Auswahlschleife endet an der Abspielposition und spielt immer wieder ab A (B).
player-ab-on = Schleife { $a }–{ $b }
player-ab-from = A bei { $a }, B nicht gesetzt
player-ab-none = keine Auswahl
player-ab-off = A–B löschen
    .help = Die Auswahlschleife beenden (X).
player-memory = Speicher
    .help = Leer: diese Position merken; gesetzt: ab dort abspielen; Rechtsklick: vergessen.
player-memories = Speicherpunkte
    .help = Von jeder gemerkten Position ein paar Sekunden abspielen, eine nach der anderen (mit Schleife immer wieder).
player-time-played = Gespielte Zeit
    .help = Gespielte Zeit der Aufnahme; Klick für die Restzeit (Countdown).
player-time-left = Restzeit
    .help = Restzeit der Aufnahme; Klick für die gespielte Zeit.
player-original-time = Originalzeit
    .help = Die Uhrzeit des Gesprächs an der Abspielposition (Ortszeit des Recorders), zum Vergleich mit Protokollen und Einsatzzeiten.
player-position = Position
    .help = Ziehen oder klicken, um an eine Stelle der Aufnahme zu springen.
player-waveform = Wellenform
    .help = Linker Kanal (extern) oben, rechter (intern) unten. Klick: dorthin springen; Ziehen: den Teil dazwischen in Schleife spielen.
player-volume = Lautstärke
    .help = Die Wiedergabelautstärke (bleibt gespeichert).
player-mute = stumm
    .help = Kein Ton; die Pegelanzeigen laufen weiter.
player-attenuate = Dämpfung
    .help = Diesen Kanal dämpfen (L extern, R intern).
player-maximum = Max
    .help = Pegel auf Maximum: volle Lautstärke, keine Dämpfung, nicht stumm.
player-audio-slot = Audio-Einstellung
    .help = Leer (ohne Punkt): die Audio-Einstellungen hier speichern; gespeichert (•): sie abrufen; Rechtsklick: vergessen.
player-meter-left = L extern
player-meter-right = R intern
player-delta = Differenz L-R { $db } dB
player-over = ÜBERSTEUERT
player-sensitive = empfindlich
    .help = Pegelanzeigen 20 dB empfindlicher, für leise Leitungen.

## Die Liste

column-date = Datum
column-internal = Intern
column-external = Extern
column-ring = Klingeln
column-size = Größe
column-tan = TAN
column-call-id = Gesprächs-ID
column-call-id-full = Gesprächs-ID { $id }
column-mark = Markierung
column-mark-here = hier
column-mark-all = alle
column-mark-both = hier, alle
column-in = ein
column-out = aus
column-encrypted = { " " }(verschl.)

## Einzelheiten der ausgewählten Aufnahme

details-checking = wird geprüft…
verdict-original = original
verdict-manipulated = MANIPULIERT
verdict-unsigned = nicht signiert
verdict-unknown = unbekannt
details-line-in = { $internal } von { $external }  ·  Beginn { $start } ({ $zone })  ·  Klingeln { $ring } s  ·  { $seconds } s
details-line-out = { $internal } an { $external }  ·  Beginn { $start } ({ $zone })  ·  Klingeln { $ring } s  ·  { $seconds } s
details-cdrs = CDRs ({ $n })
details-marked-here = hier markiert
    .help = Eine Markierung nur an diesem Player.
details-marked-all = für alle markiert
    .help = Eine Markierung, die jeder Player an dieser Ablage sieht.
details-notes = Notizen
    .help = Notizen zu dieser Aufnahme, im Archiv gespeichert, mit einer Zeile im Aktivitätsprotokoll.
details-save-notes = Notizen speichern
    .help = Die Notizen speichern (protokolliert).
details-tan-hint = 6 Ziffern
details-set-tan = TAN setzen
    .help = Die Aufnahme mit einer TAN versehen; eine TAN kann geändert, nicht entfernt werden.
details-copy-to = Kopieren nach
    .help = Der Ordner, in den Kopieren und Verschieben Aufnahmen legen.
details-copy = Kopieren
    .help = Eine Klarkopie: entschlüsseltes Audio, Begleitdatei als einfaches XML (protokolliert).
details-move = Verschieben
    .help = Die Dateien der Aufnahme (wie abgelegt: signiert, verschlüsselt, wenn sie es sind) aus dem Archiv in diesen Ordner verschieben; im Aktivitätsprotokoll vermerkt.
details-delete = Löschen
    .help = Die Aufnahme aus dem Archiv löschen (fragt noch einmal; protokolliert).
details-really-delete = Wirklich löschen?

## Meldungen

msg-mark-not-saved = die Markierung konnte nicht gespeichert werden: { $why }
msg-not-permitted = dieses Gespräch gehört zu einer Nebenstelle, die dieser Player nicht abspielen darf
msg-bucket-unreachable = Der Archiv-Bucket kann nicht gelesen werden: { $why }. Die Liste zeigt, was er beim letzten Lesen enthielt.
msg-bucket-back = Der Archiv-Bucket kann wieder gelesen werden.
msg-log-not-written = das Aktivitätsprotokoll konnte nicht geschrieben werden: { $why }
msg-settings-not-saved = die Player-Einstellungen konnten nicht gespeichert werden: { $why }
msg-memory-not-saved = der Speicherpunkt konnte nicht gespeichert werden: { $why }
msg-notes-saved = Notizen gespeichert
msg-notes-not-saved = Notizen nicht gespeichert: { $why }
msg-tan-set = TAN gesetzt: { $name }
msg-tan-not-set = TAN nicht gesetzt: { $why }
msg-copied = kopiert nach { $folder }
msg-not-copied = nicht kopiert: { $why }
msg-moved = verschoben nach { $folder }
msg-not-moved = nicht verschoben: { $why }
msg-deleted = gelöscht
msg-not-deleted = nicht gelöscht: { $why }

## Fernsteuerung

remote-playing = Fernsteuerung: spielt { $track }
remote-not-permitted = Fernsteuerung: { $track } gehört nicht zu den Aufnahmen, die dieser Player abspielen darf
remote-rc = RC
    .help = Diese Aufnahme wurde per Fernsteuerung gestartet.
remote-rc-on = RC ein
remote-rc-port = Fernsteuerungs-Port offen auf { $port }
remote-link = RC-Verbindung
remote-link-up = RC-Verbindung: die Befehle des Recorders für diesen Player kommen an
remote-link-down = RC-Verbindung unterbrochen: { $why }

## SOS-Modus

sos-play-last = Letztes Gespräch abspielen
    .help = Das neueste Gespräch abspielen, das dieser Player hören darf (Leertaste).
sos-pause = Pause
    .help = Anhalten (Leertaste); noch einmal zum Weiterspielen.
sos-newest = Neueste Gespräche
sos-no-calls = noch keine Gespräche
sos-call-in = { $time }   { $internal } von { $external }
sos-call-out = { $time }   { $internal } an { $external }
sos-call = Gespräch
    .help = Klicken, um dieses Gespräch abzuspielen.

## Hilfe

help-window = Hilfe
help-more = Weitere Hilfe:
help-player = Der Player
    .help = Der Player findet und spielt die aufgezeichneten Gespräche. Die Filter (Monat, Tag, Nummern mit * und ?, TAN, Richtung) grenzen die Liste ein; ein Klick wählt eine Aufnahme, Abspielen (Leertaste) spielt sie: der externe Teilnehmer links, der interne rechts. Strg-Klick und Umschalt-Klick wählen mehrere für eine Wiedergabeliste oder zum Kopieren. Die Einzelheiten unter der Wiedergabe zeigen, ob die Aufnahme original ist (signiert und unverändert), ihre Teilnehmer, CDRs, Notizen und TAN. Alles, was eine Aufnahme ändert, steht im Aktivitätsprotokoll.
help-sos = SOS-Modus
    .help = Für Notrufplätze: eine Taste (F12) oder die rote SOS-Taste lässt nur die neuesten Gespräche, ein großes „Letztes Gespräch abspielen", Stopp und ±5 s in großer Schrift. Die Leertaste spielt das letzte Gespräch, das dieser Player hören darf (oder hält an), Esc stoppt, ← und → springen 5 Sekunden, ein Klick auf ein Gespräch spielt es. F12 noch einmal bringt die Filter zurück, wie sie waren.
help-keys = Tasten
    .help = Leertaste: abspielen oder anhalten · Esc: Stopp · ← →: 5 s zurück oder vor · ↑ ↓: die Aufnahme davor oder danach · E: auswerfen · L: Aufnahme in Schleife · A, B: Anfang und Ende der Auswahlschleife · X: Auswahl löschen · F12: SOS-Modus ein oder aus · F1: Hilfe zu dem, was unter dem Mauszeiger liegt oder den Fokus hat · Tab und Umschalt-Tab: Fokus bewegen, Eingabe oder Leertaste: die fokussierte Taste drücken.
help-recorder = Die Recorder-Anzeige
    .help = Die Lampen zeigen jeden Teil des Recorders: grün in Betrieb, gelb wartend oder startend, rot gestört (mit Alarm). RESET quittiert den Alarm, sobald seine Ursache gesehen ist; OFF schaltet ihn für eine Stunde stumm. Die Zähler zählen Gespräche, Aufnahmen und Fehler seit dem Start; die Status- und Fehlerfenster zeigen, was geschah, das Neueste oben.
help-setup = Die Einrichtung
    .help = Alle Einstellungen des Recorders und des Players, nach Registerkarten. Der Tooltip eines Feldes (und F1 darauf) sagt, was es tut und welche Werte es nimmt. Änderungen gelten nach dem Speichern; eine Einrichtung mit Passwort fragt zuerst danach.

## Die Recorder-Anzeige

panel-error-log-empty = (das Fehlerprotokoll ist leer)
panel-error-log-unreadable = das Fehlerprotokoll kann nicht gelesen werden: { $why }
panel-folder-not-opened = { $folder } kann nicht geöffnet werden: { $why }
panel-alarm-cause = ALARM: { $cause }
panel-setup-open = Einrichtung offen: Aufnahme-Zeitgeber angehalten
panel-lamp-pbx = PBX-Verbindung
panel-lamp-cdr = CDR-Eingang
panel-lamp-pcap = PCAP-Quelle
panel-lamp-disk = DISK
panel-lamp-backup = BACKUP
panel-lamp-software = SOFTWARE
panel-lamp-clock = PBX-Uhr
panel-lamp-appserver = AppServer-Verbindung
panel-lamp-active = Haupt-PBX in Betrieb
panel-lamp-standby = Standby-PBX in Betrieb
panel-lamp-bucket = Archiv-Bucket
panel-alarm-switched-off = { " " }(Alarm AUS geschaltet)
panel-failing = { $parts } gestört
panel-warning = Warnung: { $parts }
panel-starting = Startet
panel-normal = Normalbetrieb
panel-extended = erweiterte Ansicht
    .help = Die wartenden Gespräche, das Status- und das Fehlerfenster zeigen oder ausblenden (die Taste ">").
panel-alarm = ALARM
panel-alarm-off = Alarm aus
panel-arming = wird scharf
panel-no-alarm = kein Alarm
panel-reset = RESET
    .help = Den gespeicherten Alarm löschen, sobald seine Ursache gesehen ist; er kommt wieder, wenn die Ursache noch besteht.
panel-off = OFF
    .help = Den Sammelalarm aus- oder wieder einschalten (die Lampen und die Statuszeile zeigen es weiter).
panel-setup = Einrichtung…
    .help = Die Einrichtung öffnen; die Zeitgeber des Recorders stehen, solange sie offen ist.
panel-counters = ·  Prüfung { $check }  ·  in Aufnahme { $recording }  ·  archiviert { $archived }  ·  nicht behalten { $dropped }  ·  ohne CDR { $orphans }  ·  wartend { $waiting }  ·  Fehler { $errors }  ·  { $listen }
    .help = Seit dem Start: Abfragen der PBX, laufende Aufnahmen, archivierte Aufnahmen, Gespräche, die die Aufnahmeregeln nicht behalten haben, Mitschnitte ohne CDR, Mitschnitte, die auf ihr CDR warten, Fehler; und die Adresse, an die die Geräte hochladen.
panel-recording = REC  Aufnahme seit { $since }  { $running }  { $capture }
panel-more = … und { $n } weitere
panel-waiting = Warten auf CDR
    .help = Mitschnitte, deren CDR noch nicht da ist: der Countdown (P…), die gewarteten Sekunden und der Name des Mitschnitts.
panel-archiving = archiviere  { $name }
panel-status = Status
panel-errors = Fehler
panel-clear = Leeren
    .help = Das Fenster auf dem Bildschirm leeren; keine Protokolldatei wird geändert.
panel-this-run = Dieser Lauf
panel-from-log = Aus Protokoll
    .help = Die letzten 30 Fehler aus dem Fehlerprotokoll gelesen (noch einmal: die Fehler dieses Laufs).
panel-open-log-folder = Protokollordner öffnen
    .help = Den Ordner mit Fehler-, Status- und Trace-Protokollen öffnen.
panel-grey = grau
panel-green = grün
panel-yellow = gelb
panel-red = rot

## Der Einrichtungsdialog

setup-heading = callrec Einrichtung  { $version }
setup-passwords-differ = das neue Passwort und seine Wiederholung stimmen nicht überein
setup-unlocked = Entsperrt.
setup-wrong-password = Falsches Passwort.
setup-not-saved = Nicht gespeichert: { $why }
setup-saved = Gespeichert in { $folder }. Ein laufender Recorder nimmt die neue Einrichtung nach seinem nächsten Start.
setup-protected = Diese Einrichtung ist geschützt. Geben Sie das Einrichtungspasswort (oder das zentrale Passwort der Ablage) ein, um sie zu ändern.
setup-password = Passwort
setup-unlock = Entsperren
setup-close = Schließen
    .help = Die Einrichtung verlassen; nicht gespeicherte Änderungen gehen verloren.
setup-browse = Durchsuchen…
setup-password-explained = Das Einrichtungspasswort schützt diesen Dialog. Speichern mit einem neuen Passwort setzt auch das zentrale Passwort der Ablage (STORE/TMP/SPlayer.xml): jede andere Installation an derselben Ablage braucht es, bevor sie speichern darf.
setup-new-password = Neues Passwort
setup-repeat = Wiederholen
setup-no-match = stimmt nicht überein
setup-save = Speichern
    .help = Alle Registerkarten prüfen und speichern.
setup-to-correct = { $n ->
        [one] 1 Wert zu korrigieren
       *[other] { $n } Werte zu korrigieren
    }
tab-general = Allgemein
    .help = Name der Installation, Sprache, was das Schließen des Fensters tut, und die Protokolle.
tab-pbx = PBX
    .help = Die Verbindung zur PBX (SOAP): welche Benutzer Agenten sind und aufgezeichnet werden, TANs und Lizenzen.
tab-reporting = CDR/Reporting
    .help = Wie lange ein Mitschnitt auf sein CDR wartet, was mit einem ohne geschieht und wann ein fehlender CDR-Eingang den Alarm auslöst.
tab-pcap = PCAP-Quelle
    .help = Woher die Mitschnitte kommen: Uploads an diesen Recorder (Adresse, HTTPS, Anmeldung) oder die CF eines Gateways oder ein WebDAV-Server, von dem sie geholt werden.
tab-storage = Ablage & Sicherung
    .help = Der Ablageordner, der Sicherungsordner und das Audioformat der Aufnahmen.
tab-retention = Aufbewahrung
    .help = Wie viele Monate Aufnahmen aufbewahrt werden.
tab-modes = Modi/TCR
    .help = Jedes Gespräch aufzeichnen, nur die vom Agenten markierten (TCR) oder jedes n-te.
tab-encryption = Verschlüsselung & Schlüssel
    .help = Versiegeln der Metadaten und Verschlüsseln des Audios, der Kundenschlüssel und Schlüssel zum Lesen älterer Zeiträume.
tab-email = E-Mail
    .help = Der Mailserver und wer Alarm-E-Mails erhält.
tab-permissions = Berechtigungen
    .help = Was der Player an diesem PC tun und zeigen darf, und das Einrichtungspasswort.
tab-players = Netzwerk-Player
    .help = Die Konten der Player an anderen PCs, mit ihren Rechten und Nebenstellen.
tab-player = Player
    .help = Dieser Player: SOS-Start, Aussehen und seine Verbindung zu einem Recorder für Fernbefehle.
tab-interfaces = Externe Anwendungen
    .help = Die AppServer-Verbindung (Buchung, Ticketsystem, Einsatzleitsystem) und der Fernsteuerungs-Port des Players.

## Einrichtungsschlüssel (setting-NAME: die Beschriftung; .help: was er tut)

setting-store = Ablageordner
    .help = Wurzel des Archivs: Aufnahmen kommen nach STORE/YYYY_MM/, das Aktivitätsprotokoll und die Schlüssel nach STORE/TMP/. Oder s3://BUCKET/ORDNER: das Archiv in einem S3-kompatiblen Objektspeicher (siehe Adresse, Schlüssel und Geheimnis des Objektspeichers unten), mit denselben Namen im Bucket.
    .hint = ein Ordner oder s3://BUCKET/ORDNER
setting-backup = Sicherungsordner
    .help = Zweite Kopie jeder Aufnahme in einem flachen Ordner (ohne Monatsordner); leer: keine Sicherung. Liegt das Archiv in einem Bucket, kann es s3://BUCKET/ORDNER sein: die Kopie kommt flach in diesen Bucket, und eine Aufnahme verlässt diesen PC erst, wenn sie in beiden liegt.
    .hint = ein Ordner, s3://BUCKET/ORDNER oder leer
setting-s3endpoint = Adresse des Objektspeichers
    .help = Mit store=s3://BUCKET/ORDNER: die S3-Schnittstelle des Objektspeichers (ein Garage-Knoten, MinIO, AWS), http://HOST:PORT oder https://HOST:PORT. Aufnahmen entstehen im lokalen Journalordner und werden in den Bucket verschoben, sobald sie dort wie geschrieben zurückgelesen werden; solange der Bucket nicht erreichbar ist, warten sie im Journal (Lampe S3 rot, Alarm).
    .hint = http://HOST:PORT oder leer
setting-s3key = Schlüssel des Objektspeichers
    .help = Die Zugangsschlüssel-ID, die der Objektspeicher für callrec ausgestellt hat, mit Lese- und Schreibrecht auf den Bucket.
    .hint = eine Schlüssel-ID oder leer
setting-s3secret = Geheimnis des Objektspeichers
    .help = Das Geheimnis des Zugangsschlüssels; in der Einrichtung versiegelt wie jedes Passwort.
    .hint = das Geheimnis oder leer
setting-s3region = Region des Objektspeichers
    .help = Die Region, für die der Objektspeicher Anfragen signiert (AWS: z. B. eu-central-1; Garage: sein s3_region, oft „garage“).
    .hint = ein Regionsname
setting-backups3endpoint = Adresse des Sicherungs-Objektspeichers
    .help = Mit backup=s3://BUCKET/ORDNER: die S3-Schnittstelle eines anderen Objektspeichers für die Sicherungskopie (der Garage-Verbund eines anderen Standorts, MinIO, AWS), damit der Verlust eines Standorts nicht beide Kopien nimmt; leer: der Objektspeicher des Archivs.
    .hint = http://HOST:PORT oder leer
setting-backups3key = Schlüssel des Sicherungs-Objektspeichers
    .help = Die Zugangsschlüssel-ID, die der Objektspeicher der Sicherung für callrec ausgestellt hat, mit Schreibrecht auf den Sicherungs-Bucket; leer: der Schlüssel des Archivs.
    .hint = eine Schlüssel-ID oder leer
setting-backups3secret = Geheimnis des Sicherungs-Objektspeichers
    .help = Das Geheimnis dieses Schlüssels; in der Einrichtung versiegelt wie jedes Passwort.
    .hint = das Geheimnis oder leer
setting-backups3region = Region des Sicherungs-Objektspeichers
    .help = Die Region, für die der Objektspeicher der Sicherung Anfragen signiert; leer: die des Archivs.
    .hint = ein Regionsname oder leer
setting-journal = Journalordner
    .help = Der Arbeitsordner des Recorders (noch nicht archivierte Mitschnitte und CDRs, der AppServer-Ausgang, Zähler); leer: REC in der Ablage. Mehrere Recorder, die in eine Ablage archivieren, brauchen je einen eigenen; ein Recorder in einer Außenstelle hält ihn auf seiner eigenen Platte, so zeichnet er weiter auf, während die zentrale Ablage nicht erreichbar ist, und archiviert alles, sobald sie es wieder ist.
    .hint = ein Ordner oder leer
setting-recorder = Name der Installation
    .help = Name dieser Installation in den Begleitdateien und im Aktivitätsprotokoll.
    .hint = ein Name
setting-keeprecording = Weiter aufzeichnen, wenn das Fenster schließt
    .help = Schließen des Fensters von `callrec recpath=DIR` lässt den Recorder weiterlaufen (bis Strg-C oder SIGTERM). Aus: Schließen fragt und beendet dann die Aufzeichnung.
setting-format = Audioformat
    .help = Wie Aufnahmen gespeichert werden (siehe convert).
setting-mix = Archivierte Kanäle
    .help = stereo (Standard): externer Teilnehmer links, interner rechts; mono: beide in einem Kanal gemischt (halbe Größe); left: nur der externe Teilnehmer; right: nur der interne (eigene) Teilnehmer — für Länder, die nur das Aufzeichnen der eigenen Seite erlauben. Dieselben Werte wandeln einen einzelnen Mitschnitt um (convert mix=…).
setting-convertto = Ausgabe des Konverters
    .help = Worin 'callrec converter' PCAP-Aufnahmen (format=pcap) umwandelt: A-law- oder µ-law-WAV, 16-Bit-WAV oder MP3, mit den Kanälen von mix; Verschlüsselung und Versiegelung bleiben.
setting-map = Kanalzuordnung
    .help = Welcher Teilnehmer extern ist, für Mitschnitte, die es nicht sagen (siehe convert).
setting-encryptmetadata = Metadaten versiegeln
    .help = Die Metadaten der Begleitdatei mit AES-256-GCM versiegeln (das Original verschlüsselt die .xml). Signiert wird in jedem Fall.
setting-encryptaudio = Audio verschlüsseln
    .help = Auch die Audiodateien verschlüsseln (AES-256-GCM in Blöcken, unter 0,1 % größer); dann kann nur callrec sie abspielen.
setting-listen = Lauschen auf
    .help = Wo der Recorderdienst lauscht: Geräte laden Mitschnitte per PUT nach http://ADRESSE:PORT/rec/, die PBX sendet CDRs an http://ADRESSE:PORT/cdr, Status unter /status. 0.0.0.0:PORT für das LAN (mit httpauth oder allowopen=on).
    .hint = ADRESSE:PORT
setting-tlscert = HTTPS-Zertifikat
    .help = HTTPS mit diesem Zertifikat (Kette, PEM) statt einfachem HTTP: Geräte zeichnen dann nach https://RECORDER:PORT/rec/ auf und die PBX sendet CDRs an https://RECORDER:PORT/cdr. Braucht tlskey.
    .hint = eine PEM-Datei oder leer
setting-tlskey = HTTPS-Schlüssel
    .help = Der private Schlüssel zu tlscert (PEM). Die Datei nur für den Recorder lesbar halten.
    .hint = eine PEM-Datei oder leer
setting-httpauth = Upload-Anmeldung
    .help = Die Anmeldung, die Geräte und PBX vorweisen müssen, mit HTTP Digest (SHA-256 oder MD5) oder Basic (Basic nur über HTTPS oder ein vertrauenswürdiges LAN); leer: keine. Nötig, um über diesen PC hinaus zu lauschen (siehe allowopen).
    .hint = benutzer:passwort oder leer
setting-allowopen = Ohne Anmeldung lauschen
    .help = Über diesen PC hinaus ohne Anmeldung lauschen (httpauth leer). Aus: der Recorder startet so nicht, da jeder im Netz Mitschnitte und CDRs hochladen könnte. Ein: er startet, mit gelber SOFTWARE-Lampe und einer Warnung.
setting-maxpcapmb = Größter Mitschnitt (MB)
    .help = Größter angenommener Mitschnitt in MB (ein vierstündiges G.711-Gespräch hat etwa 330 MB).
setting-source = Abholquelle
    .help = Mitschnitte auch von hier holen, wie das Original: die CF eines Gateways, ein WebDAV-Server (PROPFIND oder die Indexseite eines Webservers) oder ein lokaler Ordner. Eine Datei wird geholt, sobald ihre Größe eine Abfrage lang gleich bleibt, und dort erst gelöscht, wenn die Aufnahme sicher archiviert ist. Leer: Geräte laden (PUT) nur an diesen Recorder hoch.
    .hint = http(s)://HOST/PFAD/, ein Ordner oder leer
setting-source2 = Abholquelle der Standby-PBX
    .help = Bei einem redundanten PBX-Paar (pbx2): wo die Geräte der Standby-PBX aufzeichnen. Solange die Verbindung auf der Standby-PBX läuft, wird diese Quelle als die aktive gelesen (ihre Fehler färben die PCAP-Lampe rot) und die Hauptquelle still, und umgekehrt; beide werden immer gelesen, damit nichts auf einer Seite vergessen wird. Leer: eine Abholquelle.
    .hint = http(s)://HOST/PFAD/, ein Ordner oder leer
setting-sourceauth = Anmeldung an der Abholquelle
    .help = Anmeldung an der Abholquelle: nur gesendet, wenn verlangt, als Digest, wenn die Quelle es anbietet, sonst Basic.
    .hint = benutzer:passwort oder leer
setting-sourcecert = Zertifikat der Abholquelle
    .help = Für eine https://-Abholquelle: genau dieses Serverzertifikat annehmen (angeheftet; das eigene, oft selbst signierte eines Gateways) statt eines von den Zertifizierungsstellen des Systems.
    .hint = eine PEM-Datei oder leer
setting-poll = Abfrage alle (s)
    .help = Wie oft die Abholquelle angesehen wird (das Original: alle 5 s); eine unerreichbare Quelle wird seltener versucht, bis zu einmal pro Minute.
setting-pbx = PBX-SOAP-URL
    .help = Die SOAP-Schnittstelle der PBX: der Recorder hält eine Verbindung zu ihr (PBX-Lampe grün, solange sie steht) und führt jedes Gespräch der überwachten Benutzer, solange es läuft. Leer: keine Verbindung (die PBX-Lampe bleibt grau; die Aufzeichnung arbeitet allein mit Mitschnitten und CDRs).
    .hint = http(s)://PBX/PBX0/user.soap oder leer
setting-pbx2 = SOAP-URL der Standby-PBX
    .help = Die Standby-PBX eines redundanten Paars: antwortet die Haupt-PBX nicht mehr, geht die Verbindung sofort zur Standby-PBX (ACT-Lampe grau, STB-Lampe gelb) und zurück zur Haupt-PBX (ACT grün), sobald sie wieder antwortet (sie wird alle 10 s gefragt). CDRs beider PBXen werden angenommen. Leer: keine Standby-PBX.
    .hint = http(s)://STANDBY-PBX/PBX0/user.soap oder leer
setting-pbxuser = Überwachungsbenutzer
    .help = Der PBX-Benutzer, als der sich die Verbindung anmeldet (Initialize): seine Gruppen bestimmen, welche Benutzer überwacht werden, z. B. ein Benutzer 'API', der aktives Mitglied der Aufnahmegruppe ist.
    .hint = der lange Name eines PBX-Benutzers
setting-pbxauth = PBX-Anmeldung
    .help = HTTP-Anmeldung an der PBX für die SOAP-Schnittstelle: beantwortet mit Digest (Standard der PBX) oder Basic, wie die PBX fragt.
    .hint = benutzer:passwort oder leer
setting-agents = Agenten (Nebenstellen)
    .help = Benutzer, deren Gespräche aufgezeichnet werden. Sind weder agents noch group gesetzt, wird jedes Gespräch behalten.
    .hint = Nebenstellen, durch Komma getrennt
setting-group = Aufnahmegruppe
    .help = Mitglieder dieser PBX-Gruppe (die <grp>-Liste des CDR) sind ebenfalls Agenten.
    .hint = ein PBX-Gruppenname oder leer
setting-tanprefix = TAN-Präfix
    .help = Die Nummer des PBX-Objekts, die Agenten während eines Gesprächs wählen, gefolgt von der 6-stelligen TAN (das TAN-Präfix des Originals): der Recorder findet dieses kurze Gespräch in den CDRs und setzt die TAN in Namen und Begleitdatei der Aufnahme. Leer: TANs nur aus dem Player.
    .hint = Ziffern oder leer
setting-licences = Lizenzen (Agenten)
    .help = Höchstens so viele Agenten werden aufgezeichnet, in der Reihenfolge ihrer ersten Aufnahme (bleibt über Neustarts). Gespräche weiterer Agenten werden nicht aufgezeichnet: protokolliert, mit roter SOFTWARE-Lampe und Sammelalarm (die Lizenzüberschreitung des Originals). 0: keine Grenze.
setting-cdrwait = CDR-Wartezeit (5-s-Schritte)
    .help = Wie viele 5-Sekunden-Schritte ein Mitschnitt auf sein CDR wartet (der Countdown des Originals, angezeigt als P<n>).
setting-orphans = Mitschnitt ohne CDR
    .help = Ein Mitschnitt, dessen CDR nie kam: keep (archivieren, als verwaist gekennzeichnet) oder delete (protokolliert).
setting-cdralarm = Alarm, wenn kein CDR-Ticket gefunden
    .help = Alarm, wenn kein CDR-Ticket gefunden wird: ein Mitschnitt, der seine CDR-Frist erreicht, schaltet die CDR-Lampe rot und löst den Alarm aus. Aus: die Lampe wird gelb mit einer Warnung (für Standorte, an denen manche Geräte ohne CDRs aufzeichnen).
setting-cdrsilence = Alarm, wenn kein CDR seit (min)
    .help = Kein CDR seit so vielen Minuten, während Mitschnitte ankommen: der CDR-Eingang ist gestört (CDR-Lampe rot, Alarm). 0: nicht überwacht.
setting-clockskew = PBX-Uhr darf abweichen um (s)
    .help = So weit darf die Uhr der PBX von der dieses PCs abweichen (gelesen aus CDR-Sendungen, CDR-Endzeiten und SOAP-Antworten); darüber wird die CLOCK-Lampe rot und der Alarm ausgelöst. 0: nicht geprüft.
setting-appserver = AppServer (HOST:PORT)
    .help = Der Server einer externen Anwendung (Buchung, Ticketsystem, Einsatzleitsystem), dem jedes Gespräch eines Agenten gemeldet wird: !FRST! mit der UID des Gesprächs, wenn es beginnt, !LAST! mit dem Namen der Aufnahme, wenn sie abgelegt ist; er kann Befehle für benannte Player zurückschicken (docs/INTERFACES.md). Meldungen warten auf der Platte, solange er nicht erreichbar ist. Leer: keiner.
    .hint = HOST:PORT oder leer
setting-appserverkeepalive = Lebenszeichen alle (s)
    .help = !KEEP! an den AppServer senden, wenn so viele Sekunden lang nichts anderes gesendet oder empfangen wurde. 0: nie.
setting-appserverack = AppServer bestätigt
    .help = Der AppServer beantwortet jede Meldung mit !ACKN!: erst dann gilt eine Meldung als zugestellt (sonst: sobald die Verbindung einen Moment danach noch stand). Ein: genau einmalige Zustellung über Neustarts des AppServers hinweg, wenn der AppServer es unterstützt.
setting-playername = Player-Name
    .help = Der Name dieses Players (die Benennung der Player im Original): sein Konto beim Recorder und der Name, mit dem eine externe Anwendung ihn eine Aufnahme spielen lässt. Leer: nicht für Befehle mit einem Recorder verbunden.
    .hint = ein Name (Buchstaben, Ziffern, Leerzeichen . _ -)
setting-playerserver = Recorder (Verbindung für Befehle)
    .help = Der Recorder, mit dem sich dieser Player verbindet (seine Player-Schnittstelle): Befehle für den Namen dieses Players kommen von dort. Leer: keiner.
    .hint = https://HOST:PORT oder leer
setting-playercert = Recorder-Zertifikat
    .help = Das Zertifikat von playerserver (PEM), das genau so angenommen wird: das eigene, oft selbst signierte eines Recorders. Leer: geprüft gegen die Zertifizierungsstellen des Systems.
    .hint = eine PEM-Datei oder leer
setting-playerpassword = Player-Passwort
    .help = Das Passwort des Player-Kontos (playername) beim Recorder.
    .hint = das Passwort des Kontos
setting-controlport = Fernsteuerungs-Port
    .help = Ein Port, auf dem dieser Player direkte Fernsteuerung annimmt: Zeilen wie !PLAY!AUFNAHME über TCP oder ein GET http://PC:PORT/!PLAY!AUFNAHME eines Browsers (docs/INTERFACES.md); 'RC on' erscheint in der Statuszeile. 0: aus.
setting-controlallow = Fernsteuerung von
    .help = Wer den Fernsteuerungs-Port benutzen darf; jeder andere wird sofort abgewiesen.
    .hint = Adressen oder Netze (10.0.0.0/8), durch Komma getrennt
setting-popup = Bei Fernwiedergabe nach vorn
    .help = Das Player-Fenster nach vorn holen, wenn eine Fernwiedergabe kommt, und bei einem Fern-Auswerfen minimieren (für Agenten, die in ihrer Anwendung arbeiten).
setting-mode = Aufnahmemodus
    .help = std: jedes Gespräch, das die Regeln behalten, wird abgelegt; tcr (Threat Call Recording): nur Gespräche, die der Agent während des Gesprächs oder innerhalb von tcrwindow danach markiert hat (GET /mark?agent=N oder eine Datei TMP/TCR-<agent>.txt).
setting-tcrwindow = TCR-Fenster (min)
    .help = Wie lange nach einem Gespräch der Agent es noch markieren kann (Modus tcr).
setting-randomsystem = Jedes n-te Gespräch
    .help = Stichprobenaufzeichnung: nur jedes n-te Gespräch des ganzen Systems behalten (0 oder 1: alle).
setting-randomagent = Jedes n-te je Agent
    .help = Stichprobenaufzeichnung: nur jedes n-te Gespräch jedes Agenten behalten (0 oder 1: alle).
setting-keepmonths = Monate aufbewahren
    .help = Aufnahmen löschen, die älter als so viele Monate sind (jede Löschung protokolliert; der Sicherungsordner bleibt). 0: für immer aufbewahren.
setting-trace = Trace-Protokoll
    .help = Jeden Vorgang des Recorders in das Trace-Protokoll iREC_sys_log.txt im Einrichtungsordner schreiben (Fehler gehen immer nach iREC_err_log.txt). Für die ersten Tage und zur Fehlersuche.
setting-logmb = Protokollgröße (MB)
    .help = Größte Größe jeder Protokolldatei in MB; ein volles Protokoll wird in .1 (dann .2, .3) umbenannt und ein neues begonnen, damit Protokolle nie die Platte füllen.
setting-smtp = SMTP-Server
    .help = Mailserver für Alarm-E-Mails; leer: keine E-Mail.
    .hint = HOST:PORT oder leer
setting-smtpsecurity = SMTP-Sicherheit
    .help = Wie die Verbindung zum Mailserver geschützt ist: starttls (Port 587; der Server muss es anbieten, sonst wird nichts gesendet), tls (Port 465) oder none (ein Relay auf diesem Rechner oder ein geschlossenes Netz).
setting-smtpcert = SMTP-Serverzertifikat
    .help = Diesem Zertifikat (PEM) für den Mailserver zusätzlich zu den öffentlichen Wurzeln vertrauen: die Firmen-CA, die das Serverzertifikat signiert hat (oder ein selbst signiertes Serverzertifikat, das keine CA ist). Der Servername in smtp= muss zum Zertifikat des Servers passen.
    .hint = eine PEM-Datei oder leer
setting-smtpauth = SMTP-Anmeldung
    .help = Anmeldung am Mailserver; leer: keine.
    .hint = benutzer:passwort oder leer
setting-mailfrom = Absender
    .help = Absender der Alarm-E-Mails.
    .hint = eine E-Mail-Adresse
setting-mailto = Alarm-E-Mail an
    .help = Wer Alarm-E-Mails erhält (der Administrator).
    .hint = E-Mail-Adressen, durch Komma getrennt
setting-allowcopy = Darf kopieren
    .help = Der Player darf Klarkopien von Aufnahmen machen (jede Kopie wird protokolliert).
setting-allowdelete = Darf löschen
    .help = Der Player darf Aufnahmen löschen (jede Löschung steht im Aktivitätsprotokoll).
setting-allowtan = Darf TANs setzen
    .help = Der Player darf TANs hinzufügen und ändern (die TAN-Berechtigung des Originals; eine TAN kann geändert, nie entfernt werden).
setting-allownotes = Darf Notizen schreiben
    .help = Der Player darf Notizen zu Aufnahmen schreiben (protokolliert).
setting-extensions = Zeigt Gespräche von
    .help = Der Player zeigt nur Gespräche dieser internen Nummern (21 ist genau 21; 3* ist jede Nummer, die mit 3 beginnt). Leer: jedes Gespräch.
    .hint = Nummern mit * und ?, durch Komma getrennt, oder leer
setting-players = Konten der Netzwerk-Player
    .help = Player-Konten für das Netz (Player an anderen PCs): eine Zeile je Konto, NAME|ARGON2-HASH|RECHTE|NEBENSTELLEN. Eines hinzufügen oder ändern mit `callrec setup account=NAME password=PW [rights=copy,delete,tan,notes,alarm,control|none] [extensions=21,3*]`; der Server prüft jede Anfrage dagegen.
    .hint = Kontozeilen (mit account=NAME setzen)
setting-sosstart = Im SOS-Modus starten
    .help = Den Player im SOS-Modus (Notfallmodus) starten: Filter aus, neuestes Gespräch oben, eine große Abspieltaste. Für Notrufplätze.
setting-contrast = Aussehen
    .help = Das Aussehen der Fenster: high ist schwarz-weiß mit gelbem Fokus, für Leitstellen; die Werkzeugleiste des Players schaltet es auch.
setting-language = Sprache
    .help = Die Sprache aller Fenster, Meldungen und Hilfen: auto folgt der Spracheinstellung des Systems (LANG).
setting-customerkey = Kundenschlüssel
    .help = Neue Aufnahmen mit diesem Kundenschlüssel statt des eingebauten versiegeln. Beim Wechsel bleibt der vorige Schlüssel zum Lesen (readkeys), damit jeder Zeitraum lesbar bleibt.
    .hint = eine Passphrase oder leer
setting-readkey = Leseschlüssel hinzufügen
    .help = Einen Kundenschlüssel nur zum Lesen hinzufügen (z. B. für einen Player, der einen älteren Zeitraum öffnen muss). Wird in readkeys gespeichert.
    .hint = eine Passphrase

## Die Befehlszeile (callrec help)

cli-mode-app = Die Anwendung: der Recorder in Hintergrundaufgaben und ein Fenster mit dem Player und der Recorder-Anzeige (Lampen, Sammelalarm mit RESET/OFF, Zähler, wartende Gespräche, Status- und Fehlerfenster).
cli-mode-convert = Einen Gesprächsmitschnitt (pcap/pcapng) in Stereo-Audio umwandeln, externer Teilnehmer links. Mit in=ORDNER wird jeder Mitschnitt im Baum in denselben Baum unter out=ORDNER umgewandelt. Exit 0: sauber; 1: mit Warnungen geschrieben; 2: nichts Brauchbares.
cli-mode-inspect = JSON über einen Mitschnitt ausgeben (Ströme, Codec, Verluste, Jitter, DTMF-Ziffern, Dauer, Warnungen) oder über eine Archivaufnahme (was ihr Name sagt, ihre Metadaten und ihr Urteil: original, manipuliert, nicht signiert oder unbekannt). Exit 0: sauber/original; 1: Warnungen/nicht original.
cli-mode-import = Mitschnitte genau wie der Recorder archivieren: Stereo-Audio, signierte (und versiegelte) Begleitdatei, Protokollzeile, Sicherungskopie. Teilnehmer und Zeiten kommen aus der CDR-Datei, wenn angegeben (zugeordnet über die Konferenz-ID im Namen des Mitschnitts), sonst aus dem Mitschnitt. Denselben Mitschnitt noch einmal zu importieren ändert nichts.
cli-mode-verify = Jede Aufnahme des Archivs (und des Sicherungsordners) prüfen: Urteil je Aufnahme, die Protokollkette, fehlende und nicht protokollierte Aufnahmen. Exit 0 nur, wenn alles original und vollständig ist.
cli-mode-copy = Eine Aufnahme im Klartext aus dem Archiv kopieren (Audio entschlüsselt, Begleitdatei als einfaches XML), im Aktivitätsprotokoll als 'copied' vermerkt. Liegt das Archiv in einem Bucket, nennt in= die Aufnahme wie dort (JJJJ_MM/NAME).
cli-mode-service = Den Recorder ohne Fenster laufen lassen bis Strg-C oder SIGTERM: Geräte laden Mitschnitte per PUT nach /rec/, die PBX sendet CDRs an /cdr, jedes behaltene Gespräch wird archiviert (siehe import), Status als JSON unter /status.
cli-mode-fileserver = Die Ablage für Player an anderen PCs bereitstellen (die Player-Schnittstelle unter /api/v1/, docs/API.md) und nichts aufzeichnen. Player melden sich mit den Konten der Einrichtung an (setup account=NAME password=PW); über diesen PC hinaus nur über HTTPS (tlscert, tlskey), außer mit allowopen=on. Der Recorder (service oder die Anwendung) bietet dieselbe Schnittstelle auf seinem Port, wenn Konten bestehen.
cli-mode-player = Das Player-Fenster auf dem Archiv öffnen: Filter, die Liste der Gespräche, Abspielen mit Pegelanzeigen, Schleifen und SOS-Modus (neuestes Gespräch oben, eine große Abspieltaste). seconds=N schließt es nach N Sekunden. Mit server= das Archiv eines Recorders oder Fileservers an einem anderen PC (docs/API.md): was das Konto sehen darf, über das Netz abgespielt; cert= heftet das Zertifikat des Servers an.
cli-mode-simulate = Gespräche nach Drehbuch gegen einen laufenden Recorder spielen, wie es eine innovaphone-PBX und ihre Geräte täten: Mitschnitte per PUT, CDRs in den drei Formen CDR0/CDR1. Mit soap= wird dort auch die SOAP-Schnittstelle der PBX angeboten (http://ADRESSE:PORT/PBX0/user.soap: Beginn und Ende jedes Gesprächs) und bleibt nach den Gesprächen bis Strg-C stehen. clock=SEKUNDEN stellt die Uhr der simulierten PBX so weit neben die dieses PCs (ihre CDRs, CDR-Sendungen und SOAP-Antworten), um die CLOCK-Lampe reagieren zu sehen.
cli-mode-move = Eine Aufnahme (Audio, Begleitdatei, Notizen) verschieben, wie sie ist, verschlüsselt oder nicht; als 'moved' protokolliert.
cli-mode-delete = Eine Aufnahme löschen; zuerst als 'deleted' protokolliert, damit verify sie nie als fehlend meldet.
cli-mode-tan = Die TAN einer Aufnahme setzen oder ändern (1–6 Ziffern; der Name erhält _T<tan>); als 'tan' protokolliert. Eine TAN kann geändert, nicht entfernt werden.
cli-mode-note = Die Notizen einer Aufnahme schreiben (<name>.txt); als 'note' protokolliert.
cli-mode-setup = Das Einrichtungsfenster öffnen (Registerkarten, Hilfe, Prüfungen, Passwort; es zu verlassen beendet das Programm) oder mit show=text oder ohne Bildschirm die Einrichtung ausgeben. KEY=VALUE ändert die Einrichtung ohne Fenster. Die Einrichtungsschlüssel stehen unten; jeder davon überschreibt den gespeicherten Wert auch für einen Lauf eines beliebigen Befehls. Mit account=NAME wird stattdessen ein Netzwerk-Player-Konto hinzugefügt oder geändert: password=PW (mindestens 8 Zeichen), rights=copy,delete,tan,notes,alarm,control oder none (Standard copy,tan,notes), extensions=21,3* (Standard: jedes Gespräch); eine geschützte Einrichtung wird mit setuppassword= entsperrt.
cli-mode-synth = Eine erzeugte Gesprächsaufnahme im innovaphone-Stil schreiben (Ports 16386/16388, Dummy-SIP): zwei Töne, Klicks alle 5 s, eine DTMF-Ziffer. Zum Ausprobieren von callrec ohne PBX.
cli-mode-help = Diese Liste zeigen.
cli-key-in = Der zu lesende Mitschnitt oder ein Ordner mit Mitschnitten.
cli-key-out = Wohin geschrieben wird; ein Ordner, wenn in= ein Ordner ist.
cli-key-format = Ausgabekodierung. alaw (Standard): WAV mit G.711 A-law, etwa 1 MB je Stereominute; ulaw: WAV µ-law; pcm: WAV 16 Bit; mp3: LAME-MP3; pcap: der Mitschnitt unverändert.
cli-key-map = Welcher Teilnehmer extern ist. phone: ein innovaphone-Telefon hat aufgezeichnet (seine Seite, Port 16386, ist intern); gateway: eine Gateway-Schnittstelle hat aufgezeichnet (ihre Seite ist extern); swap: die automatische Wahl spiegeln; auto (Standard): phone für innovaphone-Dateien, die dokumentierte Regel für andere Mitschnitte.
cli-key-codec = Codec eines erzeugten Gesprächs (synth); g729 nutzt die Stillenunterdrückung nach Annex B.
cli-key-recpath = Einrichtungsordner (Einrichtungsdatei, Identitätsschlüssel). Standard: der Konfigurationsordner des Benutzers.
cli-key-cdr = innovaphone-PBX-CDR-XML (ein <cdr> je Zeile, wie die PBX sie sendet) für import.
cli-key-show = setup: das Einrichtungsfenster öffnen (Standard, wo ein Bildschirm ist) oder die Einrichtung als Text ausgeben.
cli-key-password = Das Einrichtungspasswort (oder das zentrale Passwort der Ablage), nötig zum Speichern einer geschützten Einrichtung.
cli-key-account = setup: das Netzwerk-Player-Konto, das hinzugefügt oder geändert wird (siehe setup).
cli-key-server = player: der Recorder oder Fileserver, dessen Archiv der Player zeigt (mit account= und password=).
cli-key-cert = player server=: genau dieses Serverzertifikat annehmen (das eigene, selbst signierte eines Recorders).
cli-key-trust = player server=: das eigene Zertifikat des Servers anheften, wenn sein Fingerabdruck dieser ist (es wird für das nächste Mal behalten).
cli-key-rights = setup account=: was das Konto außer Hören tun darf.
cli-key-setuppassword = setup account=: das Einrichtungspasswort einer geschützten Einrichtung.
cli-key-setpassword = Ein neues Einrichtungspasswort setzen; es wird auch das zentrale Passwort der Ablage.
cli-key-tan = Die Vorgangsnummer für 'tan'.
cli-key-text = Die Notizen für 'note'.
cli-key-gap = simulate: Pause zwischen zwei Gesprächen.
cli-key-clock = simulate: wie weit die Uhr der simulierten PBX von der dieses PCs abweicht (CDR-Zeiten, CDR-Sendungen, SOAP-Antworten).
cli-key-soap = simulate: dort die SOAP-Schnittstelle der PBX für die PBX-Verbindung des Recorders anbieten (Einrichtungsschlüssel pbx=).
cli-key-url = Der Recorder, gegen den simulate Gespräche spielt.
cli-key-calls = Wie viele Gespräche simulate spielt (Standard 10).
cli-key-fault = Was in simulierten Gesprächen schiefgeht (Standard mixed: doppelte, frühe und späte CDRs).
cli-key-json = verify: den vollständigen Bericht als JSON ausgeben.
cli-key-seconds = Länge eines erzeugten Gesprächs in Sekunden (synth, simulate).
cli-intro = callrec — Gesprächsaufzeichnung und Player für Standorte mit innovaphone-PBX

    Wörter und Schlüssel=Wert-Paare dürfen in beliebiger Reihenfolge stehen; /wort, -wort und wort sind gleich.
    Bei Schlüsseln zählt Groß- und Kleinschreibung nicht, bei Werten schon.
cli-modes = Modi
cli-keys = Schlüssel
cli-setup-keys = Einrichtungsschlüssel (mit 'setup' gespeichert; bei jedem anderen Befehl überschreiben sie die Einrichtung für diesen Lauf)
cli-default = Standard { $value }

## Das Fenster schließen

close-question = Aufzeichnung beenden?
close-explained = Der Recorder läuft in diesem Fenster. Es zu schließen beendet die Aufzeichnung: Uploads der Geräte und CDRs der PBX werden abgewiesen, bis callrec wieder läuft. Bereits empfangene Mitschnitte bleiben im Journal und werden beim nächsten Start archiviert.
close-how-to-keep = Um ohne Fenster weiter aufzuzeichnen, in der Einrichtung „Weiter aufzeichnen, wenn das Fenster schließt" setzen oder den Recorder als Dienst laufen lassen.
close-keep = Weiter aufzeichnen
close-stop = Aufzeichnung beenden und schließen

## Export als Beweismittel (Gesprächsblatt und README des ZIP)

evidence-title = Gesprächsaufnahme — Export als Beweismittel
evidence-record = Aufnahme
evidence-call = Das Gespräch
evidence-internal = Interner Teilnehmer
evidence-external = Externer Teilnehmer
evidence-direction = Richtung
evidence-start = Beginn
evidence-ring = Klingeln
evidence-duration = Dauer
evidence-uid = Gesprächs-ID
evidence-recorder = Aufgezeichnet von
evidence-cdrs = Gesprächsverlauf (die CDRs der PBX)
evidence-no-cdrs = Zu diesem Gespräch wurde kein CDR aufgezeichnet.
evidence-no-metadata = Die Metadaten der Aufnahme können hier nicht gelesen werden (keine Begleitdatei, oder mit einem Schlüssel versiegelt, der dieser Installation fehlt).
evidence-integrity = Unversehrtheit
evidence-verdict = Urteil
evidence-reason = Begründung
evidence-signer = Signiert von
evidence-stored-hash = SHA-256 wie abgelegt
evidence-clear-hash = SHA-256 des Klartext-Audios
evidence-how-to-check = Prüfung ohne callrec: bash verify-record.sh original/AUDIO keys — berechnet den SHA-256 des abgelegten Audios neu und prüft die Ed25519-Signatur der Begleitdatei mit OpenSSL gegen den öffentlichen Schlüssel des Unterzeichners in keys/.
evidence-log = Aktivitätsprotokoll (jede Zeile zu diesem Gespräch, signiert und verkettet)
evidence-no-log = Keine Zeile des Aktivitätsprotokolls nennt dieses Gespräch.
evidence-exported = Exportiert von
evidence-readme = Beweismittel-Export der Gesprächsaufnahme { $base }

    { $audio }          das Audio des Gesprächs zum Anhören (externer Teilnehmer links, interner rechts)
    original/         die Aufnahme genau so, wie der Recorder sie abgelegt und signiert hat
    keys/             die öffentlichen Schlüssel des Unterzeichners und der Schreiber des Aktivitätsprotokolls
    activity-log.txt  jede Zeile des signierten, verketteten Aktivitätsprotokolls zu diesem Gespräch
    call-sheet.pdf    Teilnehmer, Zeiten, Gesprächsverlauf der PBX, Urteil, Prüfsummen, Unterzeichner

    Prüfung der Aufnahme ohne callrec (bash, sha256sum, base64, OpenSSL 3):

        bash verify-record.sh original/{ $audio } keys

    Es gibt "original: signed by ed-…" aus und endet mit 0, wenn das abgelegte Audio und seine
    Begleitdatei genau wie signiert sind; jede Änderung an einem von beiden lässt es scheitern.
details-evidence = Beweis-ZIP
    .help = Export als Beweismittel in den Ordner „Kopieren nach": ein ZIP mit dem Audio, der Aufnahme wie abgelegt und signiert, den öffentlichen Schlüsseln, den Zeilen des Aktivitätsprotokolls, einem PDF-Gesprächsblatt und einer Prüfung ohne callrec (protokolliert wie eine Kopie).
msg-evidence = Beweis-ZIP geschrieben: { $file }
msg-not-evidence = kein Beweis-ZIP: { $why }
cli-mode-evidence = Eine Aufnahme als Beweismittel exportieren: ORDNER/NAME-evidence.zip mit dem Audio im Klartext, der Aufnahme wie abgelegt und signiert, den öffentlichen Schlüsseln, den Zeilen des Aktivitätsprotokolls zu diesem Gespräch, einem PDF-Gesprächsblatt und verify-record.sh zur Prüfung ohne callrec; als 'copied' protokolliert. Liegt das Archiv in einem Bucket, nennt in= die Aufnahme wie dort (JJJJ_MM/NAME).
msg-batch-done = { $action }: { $done } von { $n } Aufnahmen
msg-batch-failed = { $action }: { $done } von { $n } Aufnahmen; { $why }
msg-working = in Arbeit…
details-chosen = { $n } Aufnahmen gewählt:
    .help = Kopieren, Verschieben, Löschen und der Beweis-Export wirken auf jede gewählte Aufnahme (Strg-Klick: eine mehr, Umschalt-Klick: ein Bereich, Alle: jede angezeigte Aufnahme).
details-large = Groß
    .help = Die Einzelheiten der Aufnahme in großer Schrift, in einem eigenen Fenster (Teilnehmer, Zeiten, die Originalzeit, Notizen).
details-large-title = Gesprächsdetails
filter-share-marks = Meine Markierungen teilen ({ $n })
    .help = Die an diesem Player markierten Aufnahmen zu den Markierungen kopieren, die jeder Player an dieser Ablage sieht (Ihre eigenen bleiben).
msg-marks-shared = { $n ->
        [one] 1 Markierung mit allen Playern geteilt
       *[other] { $n } Markierungen mit allen Playern geteilt
    }

## Die Registerkarte Netzwerk-Player und der entfernte Recorder

players-right-copy = kopieren
    .help = darf Aufnahmen herauskopieren
players-right-delete = löschen
    .help = darf Aufnahmen löschen
players-right-tan = TAN
    .help = darf TANs setzen
players-right-notes = Notizen
    .help = darf Notizen schreiben
players-right-alarm = Alarm
    .help = darf den Alarm des Recorders zurücksetzen (RESET) und ausschalten
players-right-control = steuern
    .help = darf andere Player abspielen lassen (URL-Befehle, docs/INTERFACES.md)
players-explained = Player an anderen PCs melden sich mit einem dieser Konten an. Der Server prüft jede Anfrage: Nebenstellen begrenzen, welche Gespräche ein Konto sieht und spielt, Rechte, was es ändern darf. Der Name eines Kontos ist auch der Name seines Players für die Fernsteuerung.
players-unreadable = Die Konten können nicht gelesen werden: { $why }
players-account = Konto
players-rights = Rechte
players-every-call = jedes Gespräch
players-extensions = Nebenstellen
    .help = die internen Nummern, deren Gespräche es sieht (21, 3*); leer: alle
players-remove = Entfernen
players-remove-help = das Konto { $name } entfernen
players-removed = Konto { $name } entfernt.
players-add-heading = Ein Konto hinzufügen
players-name = Name
players-password-hint = 8 Zeichen oder mehr
players-add = Konto hinzufügen
    .help = Ein Konto mit demselben Namen wird ersetzt.
players-added = Konto { $name } hinzugefügt; Speichern, um es zu behalten.
remote-alarm-reset = Alarm am Recorder zurückgesetzt
remote-alarm-off = Alarm am Recorder ausgeschaltet
remote-alarm-on = Alarm am Recorder eingeschaltet
remote-alarm-refused = der Recorder hat es nicht angenommen: { $why }
app-setup-unreadable = die Einrichtung kann nicht geöffnet werden: { $why }
app-setup-window = Einrichtung
cli-mode-converter = Konvertermodus neben einem Recorder, der PCAP-Aufnahmen ablegt (format=pcap): jede PCAP-Aufnahme der Ablage wird eine Aufnahme im Format von convertto mit den Kanälen der Einrichtung (mix), unter demselben Namen, neu signiert, verschlüsselt und versiegelt wie zuvor; die Zeile der PCAP im Aktivitätsprotokoll wird ein 'moved' zur neuen Datei. Läuft bis Strg-C und sieht alle poll Sekunden wieder nach; once=on wandelt um, was da ist, und endet. Ein abgebrochener Lauf wird vom nächsten beendet: jede Aufnahme wird einmal umgewandelt.
cli-key-once = converter: umwandeln, was da ist, dann enden.

## Warum eine Aufnahme ihr Prüfergebnis hat (die Integritätsprüfung)

reason-not-utf8 = die Begleitdatei ist kein UTF-8-Text (nicht von callrec)
reason-foreign = die Begleitdatei ist keine von callrec (aus der Zeit des alten Systems oder fremd)
reason-damaged = die Begleitdatei ist beschädigt: { $why }
reason-newer = Begleitdatei-Version { $version } ist neuer als dieses Programm
reason-edited = die Begleitdatei wurde bearbeitet (sie ist nicht Byte für Byte wie geschrieben)
reason-not-base64 = die Metadaten sind kein gültiges Base64
reason-untrusted = Unterzeichner { $signer } ist kein vertrauenswürdiger Schlüssel
reason-signature = die Begleitdatei wurde verändert: ihre Signatur stimmt nicht
reason-audio-changed = die Audiodatei wurde verändert: ihr SHA-256 stimmt nicht
reason-audio-missing = die Audiodatei fehlt
reason-audio-unreadable = die Audiodatei kann nicht gelesen werden: { $why }
reason-key-missing = versiegelt mit Schlüssel { $key }, den diese Installation nicht hat
reason-encoding = Metadaten-Kodierung '{ $encoding }' ist unbekannt
reason-original = signiert, Begleitdatei und Audio unverändert
reason-metadata-unreadable = die Metadaten können nicht gelesen werden: { $why }
reason-sealed = die versiegelten Metadaten öffnen sich mit ihrem Schlüssel nicht
reason-no-sidecar = keine Begleitdatei: die Aufnahme trägt nur, was ihr Name sagt
reason-sidecar-unreadable = die Begleitdatei kann nicht gelesen werden: { $why }
reason-too-large = die Begleitdatei ist zu groß, um von callrec zu sein
reason-vanished = die Begleitdatei verschwand während der Prüfung
reason-sidecar-lost = manipuliert (Begleitdatei fehlt): das Aktivitätsprotokoll nennt diese Aufnahme gespeichert und signiert

## Ereignisse des Recorders: PBX-Verbindung, Bucket des Archivs, PCAP-Quellen, AppServer-Verbindung

event-pbx-no-client = PBX-Verbindung: kein HTTP-Client: { $why }
event-pbx-main-failed = PBX-Verbindung zur Haupt-PBX gestört: { $why }
event-pbx-failed = PBX-Verbindung gestört: { $why }
event-pbx-main-back = die Haupt-PBX antwortet wieder: die PBX-Verbindung geht zu ihr zurück ({ $url })
event-pbx-on-standby = PBX-Verbindung über die Standby-PBX ({ $url }): die Haupt-PBX antwortet nicht
event-pbx-up-again = PBX-Verbindung wieder aufgebaut ({ $url })
event-pbx-up = PBX-Verbindung aufgebaut ({ $url })
event-bucket-retention = Aufbewahrung: { $n } Aufnahme(n) älter als { $months } Monat(e) aus dem Bucket gelöscht
event-bucket-retention-failed = Aufbewahrung im Archiv-Bucket: { $why }
event-bucket-renamed = { $local }: der Bucket hatte eine Aufnahme eines anderen Recorders unter diesem Namen; abgelegt als { $stored }
event-bucket-backup-failed = Sicherungskopie: { $why }; die Aufnahmen warten im lokalen Journal, bis der Bucket der Sicherung sie annimmt
event-bucket-backup-again = der Bucket der Sicherung nimmt wieder Kopien an
event-bucket-converter-gone = der Konverter wurde seit { $seconds } s nicht gesehen: PCAP-Aufnahmen gehen unkonvertiert in den Bucket, { $n } halb konvertierte Aufnahme(n) warten auf ihn; 'callrec converter' wieder starten
event-bucket-local = Archiv-Bucket: { $why }
event-bucket-again = der Archiv-Bucket { $target } nimmt nach { $seconds } s wieder Aufnahmen an
event-bucket-failed = { $why }; { $n } Aufnahme(n) warten im lokalen Journal und gehen in den Bucket, sobald er sie annimmt
event-pull-no-client = PCAP-Quelle: kein HTTP-Client: { $why }
event-pull-again = PCAP-Quelle { $source } wieder lesbar
event-pull-too-large = { $name }: { $bytes } Bytes sind mehr, als maxpcapmb erlaubt; an der Quelle belassen
event-pull-failed = Zugriff auf das PCAP-Verzeichnis gestört: { $why }
event-pull-not-deleted = { $name }: archiviert, aber an der Quelle noch nicht gelöscht: { $why }
event-app-full = AppServer-Meldung nicht behalten: schon { $n } Meldungen warten auf den AppServer (ist er ausgefallen?): { $line }
event-app-not-written = AppServer-Meldung nicht in den Ausgang geschrieben ({ $why }): { $line }
event-app-down = AppServer { $address } seit { $minutes } Minuten nicht erreichbar: { $why }; { $n } Meldungen warten auf ihn
event-app-away = AppServer { $address }: { $why }; Meldungen warten im Ausgang ({ $n }) und werden gesendet, sobald er zurück ist
event-app-connected = AppServer { $address } verbunden; { $n } Meldungen zu senden
event-app-connected-again = AppServer { $address } wieder verbunden; { $n } Meldungen zu senden
event-app-outbox = AppServer: { $why }
event-start-setup = Startprüfung 1/5: Einstellungen sind plausibel
event-start-cdr = Startprüfung 2/5: CDR-Annahme antwortet unter { $url } (die CDR-Lampe wird mit dem ersten CDR grün)
event-cdr-intake-failed = Reporting-Verbindung gestört: die CDR-Annahme antwortet nicht: { $why }
event-start-failed = die Startprüfung selbst ist fehlgeschlagen
event-pull-waiting = PCAP-Quelle { $source }: { $n } Mitschnitt(e) warten
event-start-pcap = Startprüfung 3/5: PCAP-Verzeichnis { $path } lesbar
event-start-store = Startprüfung 4/5: Archivpfad { $path } beschreibbar
event-store-failed = Archivpfad gestört: { $path }: { $why }
event-start-backup-bucket = Startprüfung 5/5: Sicherungskopien gehen in den Bucket der Sicherung, wenn die Aufnahmen verschoben werden
event-start-no-backup = Startprüfung 5/5: kein Sicherungspfad eingestellt (Lampe grau)
event-start-backup = Startprüfung 5/5: Sicherungspfad { $path } beschreibbar
event-backup-failed = Sicherungspfad gestört: { $path }: { $why }
event-normal = Normalbetrieb
event-store-again = Archivpfad wieder beschreibbar
event-backup-again = Sicherungspfad wieder beschreibbar
event-setup-open = Einstellungen offen: Aufnahme-Zeitgeber angehalten
event-setup-closed = Einstellungen geschlossen: Aufnahme-Zeitgeber laufen
event-listening = Recorder hört auf { $url }
event-fingerprint = SHA-256-Fingerabdruck des HTTPS-Zertifikats { $fingerprint }
event-open-listen = der Recorder hört auf { $address } ohne Anmeldung: wer diesen PC erreicht, kann Mitschnitte und CDRs hochladen (httpauth setzen)
event-stopped = Recorder beendet
event-mail-sent = Alarm-E-Mail gesendet
event-mail-failed = Alarm-E-Mail nicht gesendet: { $why }
event-logins-slowed = { $n } fehlgeschlagene Anmeldungen nacheinander von { $address } (zuletzt für { $target }): vor jedem weiteren Versuch wird jetzt gewartet
event-logins-refused = { $n } abgewiesene Anmeldungen nacheinander von { $address }: ein Gerät mit falschem Passwort, oder jemand rät es
event-partial-upload = { $name }: Upload vorzeitig beendet; als unvollständiger Mitschnitt behalten
event-upload-not-stored = { $name }: der Upload kann nicht gespeichert werden: { $why }
event-cdr-refused = CDR abgewiesen: { $why }
event-cdr-flood = CDRs von { $address } kommen schneller, als eine PBX sie sendet: vorerst abgewiesen
event-cdr-not-stored = ein CDR kann nicht gespeichert werden: { $why }
event-tcr-mark = TCR-Markierung von Agent { $agent }
event-journal-unreadable-cdrs = Journal: { $n } unlesbare CDR-Zeile(n) in REC/cdr übersprungen
event-cdrs-again = CDRs kommen wieder an: die CDR-Lampe ist grün
event-clock-again = die Uhr der PBX stimmt wieder mit der dieses PCs überein
event-orphan = Kein CDR für { $capture } innerhalb von { $seconds } s: { $what }. Prüfen, ob die PBX die CDRs der Gespräche dieses Geräts an diesen Recorder sendet
event-cdr-feed-failed = CDR-Zufuhr gestört: seit { $span } kein CDR, während { $n } Mitschnitt(e) ankamen. Die CDR0/CDR1-Schnittstelle der PBX (Adresse, Pfad, Anmeldung) und ihre Reporting-Lizenzen prüfen
event-retention = Aufbewahrung: { $n } Aufnahme(n) älter als { $months } Monate gelöscht
event-retention-failed = Aufbewahrung: { $why }
event-journal-cdrs-pruned = Journal: { $n } CDR(s) älter als { $days } Tage entfernt
event-journal-prune-failed = Journal: CDRs aufräumen: { $why }
event-journal-unreadable = das Journal kann nicht gelesen werden: { $why }
event-licence-overflow = Lizenzüberlauf: Agent { $agent } liegt jenseits der { $n } Lizenz(en); seine Gespräche werden nicht aufgenommen
event-licences-failed = die Lizenzliste kann nicht aktualisiert werden: { $why }
event-sample-failed = die Stichprobe kann nicht gezählt werden: { $why }
event-software-error = Softwarefehler beim Archivieren: { $why }
event-upload-again = { $name }: während der Archivierung kam ein neuer Upload dieses Namens an; er wird ebenfalls archiviert
event-not-removed = { $name } archiviert, aber nicht aus dem Journal entfernt: { $why }
event-backup-after-all = Sicherungskopie von { $record } nachträglich erstellt
event-stored = { $record } gespeichert
event-capture-kept = der Mitschnitt wird in { $path } aufbewahrt
event-capture-stays = der Mitschnitt bleibt im Journal (er konnte nicht beiseitegelegt werden: { $why })
event-no-record = { $name }: keine Aufnahme erstellt ({ $why }); { $kept }
event-not-archived-yet = { $name }: noch nicht archiviert: { $why }
event-not-kept = { $name }: nicht behalten ({ $why })
event-cannot-drop = { $name }: kann nicht verworfen werden: { $why }
event-command-sent = { $command } für Player { $player }, gesendet von { $account }
event-alarm-reset = Alarm zurückgesetzt von Player { $account }
event-alarm-off = Alarm AUS geschaltet von Player { $account }
event-alarm-on = Alarm EIN geschaltet von Player { $account }
event-window-closed = Fenster geschlossen: der Recorder nimmt weiter auf (beenden mit Strg-C oder SIGTERM)
event-clock-skew = Die Uhr der PBX geht { $span } { $ahead ->
        [yes] vor gegenüber
       *[no] nach gegenüber
    } der Uhr dieses PCs{ $late ->
        [yes] {" "}(oder die PBX sendet ihre CDRs so spät)
       *[no] {""}
    }, erkannt an { $source ->
        [post] der Sendezeit ihrer CDR-Posts
        [soap] der Zeit ihrer SOAP-Antworten
       *[end] den Endzeiten ihrer CDRs
    }; Grenze { $limit } s. Aufnahmen werden nach der Zeit der PBX benannt und aufbewahrt: PBX und diesen PC vom selben Zeitserver stellen
event-upload-superseded = { $name }: ein vollständiger Upload hat die unvollständige Kopie im Journal ersetzt
event-upload-identical = { $name }: mit gleichem Inhalt erneut empfangen; das Journal behält eine Kopie
event-upload-beside = { $name }: ein anderer Mitschnitt dieses Namens wartet; beide werden behalten (Journal { $key })
event-orphan-kept = als Aufnahme ohne CDR archiviert
event-orphan-deleted = gelöscht, wie die Einstellungen es sagen (orphans=delete)
span-days = { $n } Tage
