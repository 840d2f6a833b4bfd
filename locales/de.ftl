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
