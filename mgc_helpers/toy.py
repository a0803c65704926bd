"""The toy dataset: ten synthetic "genres" of short songs, generated offline in seconds.

Used by every notebook; introduced in notebook 01. GTZAN (the classic genre dataset)
has no licence and is not always reachable, so the course ships a *generator* for a
small stand-in with the same layout::

    <root>/genres/<genre>/<genre>.000NN.wav   (PCM 16-bit, mono, 22050 Hz, 12 s)
    <root>/metadata.csv                       (one row per track, written last)

>>> tracks = ensure_toy_dataset()        # doctest: +SKIP
>>> tracks.groupby("genre").size()       # doctest: +SKIP

Every genre is a documented musical *recipe* (:data:`GENRE_RECIPES`) rendered with
NumPy: synthesised drums (kick = falling sine sweep, snare = tone + noise, hats =
high-passed noise, ride = inharmonic partials), a bass line, chords and an optional
melody with wavetable instruments (plucked = decaying harmonics whose brightness falls
faster than their level, like Karplus-Strong; pads/strings = detuned saws with slow
attack and vibrato; organ = drawbar sines; "distorted" = soft clipping with ``tanh``).

=========  ==========  ==============================  ========================  ===========================  ==========================================
Genre      Tempo BPM   Rhythm (drums)                  Bass                      Harmony                      Timbre (comp / pad / lead)
=========  ==========  ==============================  ========================  ===========================  ==========================================
blues      72-112      shuffle (swung 8ths), backbeat  boogie walk R-3-5-6-b7    I7 IV7 V7, mixolydian        slightly driven pluck or organ / organ / harmonica
classical  60-108      no drums                        cello half notes          I vi IV V, major             Alberti arpeggio piano or nylon / strings / flute
country    88-132      train beat (16th brush snare)   root-fifth on 1 and 3     I IV V, major                strummed pluck on the off-beats / fiddle
disco      108-130     four-on-the-floor, open hats    octave 8ths               i7 iv7 (dorian)              funky stabs pluck/brass / strings / brass
hiphop     78-100      boom-bap, swung 16ths, crackle  sub-bass, long notes      i7 VImaj7, minor             e-piano or piano chords / pad / bell
jazz       96-176      swing ride, hat on 2 and 4      walking bass (quarters)   ii7 V7 Imaj7                 Charleston comping piano/e-piano / organ / reed
metal      100-168     double kick 16ths, backbeat     16th root chugs, low      i5 bVI5 bVII5, phrygian      palm-muted power-chord chugs, heavy drive
pop        94-126      backbeat with claps             syncopated 8ths           I V vi IV, major             8th-note synth pulse / saw pad / square lead
reggae     66-96       one-drop (kick+rim on 3)        heavy, syncopated         i iv v, minor                off-beat skank (short chords) / organ bubble
rock       100-150     backbeat, 8th hats              root 8ths                 I bVII IV, mixolydian        crunchy power chords 8ths / organ / saw lead
=========  ==========  ==============================  ========================  ===========================  ==========================================

Tempo ranges overlap and every file is normalised to the same RMS loudness
(-20 dBFS), so no single number (tempo, loudness...) separates the genres. Light
reverb (a decaying noise impulse response) and a noise floor make it less clean.

Artists
    Each genre has several *artists* (``<genre>_artist<k>``, k from 0). An artist is a
    fixed preset derived from ``(seed, genre, k)``: instrument variant, preferred keys,
    tempo sub-range, mix balance, drum kit, EQ, reverb and noise floor. Tracks of the
    same artist therefore share a "sound": a random track split leaks artist identity
    into the test set, an artist-disjoint split (``GroupKFold(groups=tracks.artist)``)
    does not. Notebook 03 uses this to teach leakage.

Sections
    Every song has 2-4 sections (intro / verse / chorus / bridge / outro) whose
    arrangement differs audibly: the intro has no kick, snare or bass, the chorus switches
    chord progression and adds a pad, a melody and a crash, the bridge drops the chords and
    the snare. Boundaries (seconds, including 0 and the end) are in ``metadata.csv``.

Determinism
    A track's random numbers come from ``np.random.default_rng([seed, crc32(genre),
    artist, track])`` only, so the same seed gives byte-identical files whatever
    ``n_jobs`` or the set of generated genres.
"""
from __future__ import annotations

import functools
import json
import math
import os
import shutil
import uuid
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np

__all__ = [
    "GENRES",
    "GenreRecipe",
    "GENRE_RECIPES",
    "METADATA_COLUMNS",
    "ArtistPreset",
    "artist_preset",
    "artist_name",
    "recipe_table",
    "synthesize_track",
    "make_toy_dataset",
    "ensure_toy_dataset",
    "load_toy_metadata",
    "section_boundaries",
    "main",
]

#: The ten genres, named and ordered like GTZAN's.
GENRES: tuple[str, ...] = (
    "blues", "classical", "country", "disco", "hiphop", "jazz", "metal", "pop", "reggae", "rock",
)
#: Columns of ``metadata.csv``, in order.
METADATA_COLUMNS: tuple[str, ...] = (
    "track_id", "genre", "artist", "tempo", "key", "sections", "section_labels", "duration", "path",
)
#: Bump when the synthesis changes: :func:`ensure_toy_dataset` then regenerates old data.
GENERATOR_VERSION = 2
#: Loudness of every track (RMS, dBFS).
TARGET_RMS_DB = -20.0
_PARAMS_FILE = "toy_params.json"
_NOTE_NAMES = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
_STEPS = 16  # 16th-note grid of one 4/4 bar


# =========================================================================== recipes
@dataclass(frozen=True)
class GenreRecipe:
    """A documented musical recipe for one toy genre.

    Taught in notebook 01 (what the toy genres sound like and why).

    Drum, bass, chord ("comp"), pad and melody ("lead") patterns are strings over the
    16 sixteenth notes of a 4/4 bar (index 0 = beat 1, 4 = beat 2, ...).

    Attributes
    ----------
    name : str
        Genre name (GTZAN's).
    description : str
        One-line description of the style.
    tempo : tuple of float
        ``(low, high)`` tempo range in BPM; artists pick a sub-range.
    rhythm : str
        Name of the rhythm pattern (four-on-the-floor, backbeat, shuffle...).
    drums : tuple of (str, str)
        ``(drum, pattern)`` pairs; drums are ``kick, snare, hat, ohat, ride, rim, clap``.
        Pattern letters: ``X`` accent, ``x`` normal, ``g`` ghost note, ``.`` rest.
    swing8, swing16 : float
        Delay of off-beat 8ths / 16ths as a fraction of an 8th / 16th (1/3 = triplet shuffle).
    bass_pattern : str
        ``R`` root, ``3 5 6 7 8`` chord third, fifth, sixth, seventh, octave, ``W`` walking
        quarter note, ``-`` hold, ``.`` rest.
    bass_octave : int
        MIDI note of the lowest C the bass line may use.
    comp_pattern : str
        ``C`` chord hit, ``A`` next arpeggio note, ``-`` hold, ``.`` rest.
    comp_gate : float
        Fraction of the written length a chord sounds (0.25 = short stabs, 1 = legato).
    comp_voicing : str
        ``triad``, ``seventh``, ``power`` (root-fifth-octave) or ``boogie`` (5th/6th shuffle riff).
    pad_pattern, lead_pattern : str
        Rhythm of the sustained pad (``C``) and melody (``N`` new note).
    scale : str
        Mode of the melody and the default chord qualities.
    progressions : tuple of (str, str)
        ``(section, chords)`` pairs in Roman numerals (``I7``, ``ii7``, ``bVII5``, ``Imaj7``);
        one chord per bar; sections without their own progression use the verse one.
    comp_timbres, bass_timbres, pad_timbres, lead_timbres : tuple of str
        Instrument alternatives; each artist picks one of each.
    drive : tuple of float
        Range of the soft-clipping gain on the chord bus (0 = clean).
    crackle : bool
        Add vinyl crackle (hip-hop).
    strum : bool
        Strum chords (string onsets a few ms apart) instead of striking them.
    always : tuple of str
        Parts that play in every section (e.g. the string pad of classical).
    """

    name: str
    description: str
    tempo: tuple[float, float]
    rhythm: str
    drums: tuple[tuple[str, str], ...]
    swing8: float
    swing16: float
    bass_pattern: str
    bass_octave: int
    comp_pattern: str
    comp_gate: float
    comp_voicing: str
    pad_pattern: str
    lead_pattern: str
    scale: str
    progressions: tuple[tuple[str, str], ...]
    comp_timbres: tuple[str, ...]
    bass_timbres: tuple[str, ...]
    pad_timbres: tuple[str, ...]
    lead_timbres: tuple[str, ...]
    drive: tuple[float, float] = (0.0, 0.0)
    crackle: bool = False
    strum: bool = False
    always: tuple[str, ...] = ()

    def progression(self, section: str) -> str:
        """Chord progression (Roman numerals) of a section label."""
        table = dict(self.progressions)
        return table.get(section, table["verse"])


def _recipe(**kw: Any) -> GenreRecipe:
    return GenreRecipe(**kw)


#: The recipe of every genre (see the table in the module docstring).
GENRE_RECIPES: dict[str, GenreRecipe] = {
    "blues": _recipe(
        name="blues", description="12-bar-style shuffle with dominant sevenths",
        tempo=(72.0, 112.0), rhythm="shuffle (swung 8ths) with backbeat",
        drums=(("kick", "X.......x......."), ("snare", "....X.......X..."), ("hat", "x.x.x.x.x.x.x.x.")),
        swing8=0.33, swing16=0.0,
        bass_pattern="R.3.5.6.7.6.5.3.", bass_octave=36,
        comp_pattern="C.C.C.C.C.C.C.C.", comp_gate=0.8, comp_voicing="boogie",
        pad_pattern="C---------------", lead_pattern="N--.N.N-N---..N.",
        scale="blues", progressions=(("verse", "I7 I7 IV7 I7"), ("chorus", "IV7 IV7 I7 V7"), ("bridge", "V7 IV7 I7 V7")),
        comp_timbres=("pluck", "organ", "piano"), bass_timbres=("finger", "upright"),
        pad_timbres=("organ",), lead_timbres=("reed", "brass"), drive=(1.0, 4.0),
    ),
    "classical": _recipe(
        name="classical", description="string pad and Alberti-bass arpeggios, no drums",
        tempo=(60.0, 108.0), rhythm="no drums (rubato-free pulse)",
        drums=(),
        swing8=0.0, swing16=0.0,
        bass_pattern="R-------5-------", bass_octave=36,
        comp_pattern="A-A-A-A-A-A-A-A-", comp_gate=1.0, comp_voicing="triad",
        pad_pattern="C---------------", lead_pattern="N---N-N-N-------",
        scale="major", progressions=(("verse", "I vi IV V"), ("chorus", "IV V iii vi"), ("bridge", "ii V I I")),
        comp_timbres=("piano", "nylon"), bass_timbres=("cello",),
        pad_timbres=("strings",), lead_timbres=("flute", "fiddle"), always=("pad",),
    ),
    "country": _recipe(
        name="country", description="train beat, boom-chick bass and strummed guitar",
        tempo=(88.0, 132.0), rhythm="train beat (16th brush snare, accents on 2 and 4)",
        drums=(("kick", "X.......X......."), ("snare", "gggXgggXgggXgggX")),
        swing8=0.06, swing16=0.0,
        bass_pattern="R---....5---....", bass_octave=36,
        comp_pattern="....C-..C...C-.C", comp_gate=0.6, comp_voicing="triad",
        pad_pattern="C---------------", lead_pattern="N.N.N-N.N.N-N---",
        scale="major", progressions=(("verse", "I I IV V"), ("chorus", "IV I V I"), ("bridge", "vi IV I V")),
        comp_timbres=("pluck", "nylon"), bass_timbres=("finger", "upright"),
        pad_timbres=("organ", "strings"), lead_timbres=("fiddle", "pluck"), strum=True,
    ),
    "disco": _recipe(
        name="disco", description="four-on-the-floor kick, open hats on the off-beat, octave bass",
        tempo=(108.0, 130.0), rhythm="four-on-the-floor",
        drums=(("kick", "X...X...X...X..."), ("snare", "....X.......X..."), ("hat", "x...x...x...x..."),
               ("ohat", "..X...X...X...X.")),
        swing8=0.0, swing16=0.0,
        bass_pattern="R.8.R.8.R.8.R.8.", bass_octave=36,
        comp_pattern="C.CC.C.CC.C.C.CC", comp_gate=0.35, comp_voicing="seventh",
        pad_pattern="C---------------", lead_pattern="N-N-N---N.N.N---",
        scale="dorian", progressions=(("verse", "i7 i7 iv7 iv7"), ("chorus", "bVImaj7 bVII7 i7 i7"), ("bridge", "iv7 v7 i7 i7")),
        comp_timbres=("pluck", "brass", "epiano"), bass_timbres=("synth_bass", "finger"),
        pad_timbres=("strings",), lead_timbres=("brass", "strings"),
    ),
    "hiphop": _recipe(
        name="hiphop", description="boom-bap drums, sub bass, dusty e-piano and vinyl crackle",
        tempo=(78.0, 100.0), rhythm="boom-bap (swung 16ths)",
        drums=(("kick", "X.....x...X..x.."), ("snare", "....X.......X..."), ("hat", "x.x.x.x.x.x.x.x.")),
        swing8=0.0, swing16=0.3,
        bass_pattern="R-------..R---5-", bass_octave=24,
        comp_pattern="C-------C-------", comp_gate=0.9, comp_voicing="seventh",
        pad_pattern="C---------------", lead_pattern="N---..N-N---....",
        scale="minor", progressions=(("verse", "i7 VImaj7 i7 VImaj7"), ("chorus", "iv7 v7 i7 i7"), ("bridge", "VImaj7 v7 iv7 iv7")),
        comp_timbres=("epiano", "piano"), bass_timbres=("sub",),
        pad_timbres=("pad",), lead_timbres=("bell", "flute"), crackle=True,
    ),
    "jazz": _recipe(
        name="jazz", description="swing ride pattern, walking bass and seventh-chord comping",
        tempo=(96.0, 176.0), rhythm="swing ride (ding, ding-da ding), hat on 2 and 4",
        drums=(("ride", "X...x.x.X...x.x."), ("hat", "....x.......x..."), ("kick", "g...g...g...g..."),
               ("snare", "......g.......g.")),
        swing8=0.33, swing16=0.0,
        bass_pattern="W...W...W...W...", bass_octave=36,
        comp_pattern="C.....C.........", comp_gate=0.35, comp_voicing="seventh",
        pad_pattern="C---------------", lead_pattern="N.N.N.N-N---N.N.",
        scale="major", progressions=(("verse", "ii7 V7 Imaj7 Imaj7"), ("chorus", "iii7 VI7 ii7 V7"), ("bridge", "IVmaj7 iv7 iii7 VI7")),
        comp_timbres=("piano", "epiano", "organ"), bass_timbres=("upright",),
        pad_timbres=("organ", "strings"), lead_timbres=("reed", "bell"),
    ),
    "metal": _recipe(
        name="metal", description="double-kick 16ths and palm-muted, heavily distorted power chords",
        tempo=(100.0, 168.0), rhythm="double kick (16ths)",
        drums=(("kick", "XxXxXxXxXxXxXxXx"), ("snare", "....X.......X..."), ("ride", "x.x.x.x.x.x.x.x.")),
        swing8=0.0, swing16=0.0,
        bass_pattern="RRRRRRRRRRRRRRRR", bass_octave=24,
        comp_pattern="CCC.CCC.CC.CCC.C", comp_gate=0.5, comp_voicing="power",
        pad_pattern="C---------------", lead_pattern="N-N-N-N-N---N---",
        scale="phrygian", progressions=(("verse", "i5 i5 bVI5 bVII5"), ("chorus", "i5 bVII5 bVI5 V5"), ("bridge", "iv5 bII5 i5 i5")),
        comp_timbres=("pluck", "synth_bass"), bass_timbres=("finger", "synth_bass"),
        pad_timbres=("strings", "pad"), lead_timbres=("saw", "square"), drive=(12.0, 40.0),
    ),
    "pop": _recipe(
        name="pop", description="clap backbeat, 8th-note synth pulse and a square-wave hook",
        tempo=(94.0, 126.0), rhythm="backbeat with claps",
        drums=(("kick", "X.....X.X......."), ("clap", "....X.......X..."), ("hat", "x.x.x.x.x.x.x.x.")),
        swing8=0.0, swing16=0.0,
        bass_pattern="R..R..R.R..R..R.", bass_octave=36,
        comp_pattern="C.C.C.C.C.C.C.C.", comp_gate=0.5, comp_voicing="triad",
        pad_pattern="C---------------", lead_pattern="N.N.N-N.N-N.N---",
        scale="major", progressions=(("verse", "I V vi IV"), ("chorus", "vi IV I V"), ("bridge", "IV V iii vi")),
        comp_timbres=("pad", "square", "piano"), bass_timbres=("synth_bass", "sub"),
        pad_timbres=("pad",), lead_timbres=("square", "saw", "bell"),
    ),
    "reggae": _recipe(
        name="reggae", description="one-drop drums, off-beat skank and organ bubble",
        tempo=(66.0, 96.0), rhythm="one-drop (kick and rim on beat 3)",
        drums=(("kick", "........X......."), ("rim", "........X......."), ("hat", "x.x.x.x.x.x.x.x.")),
        swing8=0.12, swing16=0.0,
        bass_pattern="R--.R.5-...R-3..", bass_octave=36,
        comp_pattern="....C.......C...", comp_gate=0.25, comp_voicing="triad",
        pad_pattern="..C-..C-..C-..C-", lead_pattern="N---N-..N---....",
        scale="minor", progressions=(("verse", "i iv i v"), ("chorus", "bVI bVII i i"), ("bridge", "iv v i i")),
        comp_timbres=("pluck", "piano", "organ"), bass_timbres=("sub", "finger"),
        pad_timbres=("organ",), lead_timbres=("brass", "reed"),
    ),
    "rock": _recipe(
        name="rock", description="backbeat drums, crunchy power chords in 8ths",
        tempo=(100.0, 150.0), rhythm="backbeat (kick 1, 3, and-of-3; snare 2 and 4)",
        drums=(("kick", "X.......X.X....."), ("snare", "....X.......X..."), ("hat", "x.x.x.x.x.x.x.x.")),
        swing8=0.0, swing16=0.0,
        bass_pattern="R.R.R.R.R.R.R.R.", bass_octave=36,
        comp_pattern="C.C.C.C.C.C.C.C.", comp_gate=0.9, comp_voicing="power",
        pad_pattern="C---------------", lead_pattern="N-N-N-N-N---N-N-",
        scale="mixolydian", progressions=(("verse", "I bVII IV I"), ("chorus", "bVI bVII I I"), ("bridge", "vi IV V V")),
        comp_timbres=("pluck",), bass_timbres=("finger", "synth_bass"),
        pad_timbres=("organ", "pad"), lead_timbres=("saw", "square"), drive=(3.0, 9.0),
    ),
}

_SCALES: dict[str, tuple[int, ...]] = {
    "major": (0, 2, 4, 5, 7, 9, 11),
    "minor": (0, 2, 3, 5, 7, 8, 10),
    "dorian": (0, 2, 3, 5, 7, 9, 10),
    "mixolydian": (0, 2, 4, 5, 7, 9, 10),
    "phrygian": (0, 1, 3, 5, 7, 8, 10),
    "blues": (0, 3, 5, 6, 7, 10),
}
_MINOR_SCALES = {"minor", "dorian", "phrygian"}
_NUMERALS = {"i": 0, "ii": 2, "iii": 4, "iv": 5, "v": 7, "vi": 9, "vii": 11}
_QUALITIES = {
    "maj": (0, 4, 7), "min": (0, 3, 7), "7": (0, 4, 7, 10), "m7": (0, 3, 7, 10),
    "maj7": (0, 4, 7, 11), "5": (0, 7, 12), "dim": (0, 3, 6),
}


def _parse_chord(symbol: str) -> tuple[int, tuple[int, ...]]:
    """Roman numeral -> (root offset in semitones from the tonic, chord intervals)."""
    offset = 0
    while symbol[0] in "b#":
        offset += -1 if symbol[0] == "b" else 1
        symbol = symbol[1:]
    n = len(symbol) - len(symbol.lstrip("IViv"))
    numeral, suffix = symbol[:n], symbol[n:]
    minor = numeral.islower()
    offset += _NUMERALS[numeral.lower()]
    if suffix == "5":
        quality = "5"
    elif suffix == "maj7":
        quality = "maj7"
    elif suffix == "7":
        quality = "m7" if minor else "7"
    elif suffix == "dim":
        quality = "dim"
    else:
        quality = "min" if minor else "maj"
    return offset % 12, _QUALITIES[quality]


def recipe_table(*, genres: Sequence[str] = GENRES) -> "Any":
    """The genre recipes as a :class:`pandas.DataFrame` (one row per genre).

    Taught in notebook 01 (what each toy genre is made of).

    Parameters
    ----------
    genres : sequence of str, optional
        Genres to include (default: all ten).

    Returns
    -------
    pandas.DataFrame
        Index = genre; columns = tempo range, rhythm, scale, verse progression and timbres.
    """
    import pandas as pd

    rows = []
    for g in genres:
        r = GENRE_RECIPES[g]
        rows.append({
            "genre": g, "tempo_min": r.tempo[0], "tempo_max": r.tempo[1], "rhythm": r.rhythm,
            "scale": r.scale, "verse": r.progression("verse"), "chorus": r.progression("chorus"),
            "comp": "/".join(r.comp_timbres), "bass": "/".join(r.bass_timbres),
            "pad": "/".join(r.pad_timbres), "lead": "/".join(r.lead_timbres),
            "drums": ", ".join(d for d, _ in r.drums) or "none", "description": r.description,
        })
    return pd.DataFrame(rows).set_index("genre")


# =========================================================================== artists
@dataclass(frozen=True)
class ArtistPreset:
    """The fixed "sound" of one toy artist, derived from ``(seed, genre, index)``.

    Taught in notebook 03 (why a random split leaks artist identity).

    Attributes
    ----------
    name : str
        ``"<genre>_artist<index>"``.
    tempo_center, tempo_spread : float
        Tracks pick a tempo in ``tempo_center +- tempo_spread`` (clipped to the recipe's range).
    keys : tuple of int
        Preferred tonic pitch classes (0 = C).
    comp, bass, pad, lead : str
        Chosen instrument of each part.
    gains : dict
        Mix level (linear) of ``drums, bass, comp, pad, lead``.
    drive : float
        Soft-clipping gain of the chord bus.
    brightness : float
        Low-pass cutoff (Hz) of the chord and pad buses.
    highpass, lowpass : float
        Master EQ cutoffs (Hz).
    reverb_time, reverb_mix : float
        Decay time constant (s) and wet share of the reverb.
    noise_db, noise_cutoff : float
        Noise floor relative to the music (dB) and its low-pass cutoff (Hz).
    kit : dict
        Drum-kit parameters (kick pitch and decay, snare tone, hat cutoff...).
    jitter : float
        Standard deviation of onset timing (s).
    swing : float
        Added swing (fraction of an 8th) on top of the recipe's.
    strum : float
        Strum delay between chord notes (s).
    register : int
        Octave shift of chords/melody in semitones (-12, 0 or 12 ... relative to the default).
    """

    name: str
    tempo_center: float
    tempo_spread: float
    keys: tuple[int, ...]
    comp: str
    bass: str
    pad: str
    lead: str
    gains: dict = field(default_factory=dict)
    drive: float = 0.0
    brightness: float = 5000.0
    highpass: float = 40.0
    lowpass: float = 9000.0
    reverb_time: float = 0.2
    reverb_mix: float = 0.15
    noise_db: float = -40.0
    noise_cutoff: float = 6000.0
    kit: dict = field(default_factory=dict)
    jitter: float = 0.004
    swing: float = 0.0
    strum: float = 0.0
    register: int = 0


def _genre_code(genre: str) -> int:
    return zlib.crc32(genre.encode("utf-8"))


def artist_name(genre: str, artist: int) -> str:
    """Name of an artist, e.g. ``artist_name("blues", 2) == "blues_artist2"``.

    Taught in notebook 03.
    """
    return f"{genre}_artist{int(artist)}"


def artist_preset(genre: str, *, artist: int, seed: int = 0) -> ArtistPreset:
    """The fixed preset of artist ``artist`` of ``genre`` for dataset seed ``seed``.

    Taught in notebook 03 (artists and leakage).

    Parameters
    ----------
    genre : str
        One of :data:`GENRES`.
    artist : int
        Artist index (0, 1, ...).
    seed : int, optional
        Dataset seed.

    Returns
    -------
    ArtistPreset
        Deterministic for ``(seed, genre, artist)``.
    """
    r = GENRE_RECIPES[genre]
    rng = np.random.default_rng([int(seed), _genre_code(genre), int(artist), 1_000_003])
    lo, hi = r.tempo
    width = hi - lo
    center = float(rng.uniform(lo + 0.15 * width, hi - 0.15 * width))
    keys = tuple(int(k) for k in rng.choice(12, size=2, replace=False))

    def pick(options: tuple[str, ...]) -> str:
        return str(options[int(rng.integers(len(options)))])

    comp, bass, pad, lead = pick(r.comp_timbres), pick(r.bass_timbres), pick(r.pad_timbres), pick(r.lead_timbres)
    db = rng.uniform(-3.0, 3.0, size=5)
    gains = {part: float(10 ** (d / 20)) for part, d in zip(("drums", "bass", "comp", "pad", "lead"), db)}
    kit = {
        "kick_f0": float(rng.uniform(42, 70)), "kick_decay": float(rng.uniform(0.12, 0.4)),
        "kick_click": float(rng.uniform(0.05, 0.5)),
        "snare_f0": float(rng.uniform(150, 260)), "snare_decay": float(rng.uniform(0.07, 0.22)),
        "snare_tone": float(rng.uniform(0.2, 0.8)), "snare_cut": float(rng.uniform(800, 3000)),
        "hat_cut": float(rng.uniform(5000, 9500)), "hat_decay": float(rng.uniform(0.02, 0.07)),
        "ride_f0": float(rng.uniform(350, 600)), "ride_decay": float(rng.uniform(0.4, 1.0)),
        "seed": int(rng.integers(2**31)),
    }
    return ArtistPreset(
        name=artist_name(genre, artist),
        tempo_center=center,
        tempo_spread=float(0.08 * width + 2.0),
        keys=keys,
        comp=comp, bass=bass, pad=pad, lead=lead,
        gains=gains,
        drive=float(rng.uniform(*r.drive)) if r.drive[1] > 0 else 0.0,
        brightness=float(np.exp(rng.uniform(np.log(2000), np.log(8000)))),
        highpass=float(np.exp(rng.uniform(np.log(25), np.log(120)))),
        lowpass=float(np.exp(rng.uniform(np.log(5000), np.log(11000)))),
        reverb_time=float(rng.uniform(0.05, 0.4)),
        reverb_mix=float(rng.uniform(0.05, 0.3)),
        noise_db=float(rng.uniform(-50, -34)),
        noise_cutoff=float(np.exp(rng.uniform(np.log(1500), np.log(10000)))),
        kit=kit,
        jitter=float(rng.uniform(0.0, 0.008)),
        swing=float(rng.uniform(-0.04, 0.04)),
        strum=float(rng.uniform(0.004, 0.02)),
        register=int(rng.choice([-5, 0, 0, 7])),
    )


# =========================================================================== sound sources
_TABLE = 4096
_HARMONIC_BUCKETS = (1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64)


def _spectrum(kind: str, k: np.ndarray) -> np.ndarray:
    """Harmonic amplitudes of a wavetable."""
    odd = (k % 2 == 1).astype(float)
    if kind == "sine":
        return (k == 1).astype(float)
    if kind == "sine2":
        return np.where(k == 1, 1.0, np.where(k == 2, 0.25, np.where(k == 3, 0.08, 0.0)))
    if kind == "saw":
        return 1.0 / k
    if kind == "saw_soft":
        return 1.0 / k**1.4
    if kind == "square":
        return odd / k
    if kind == "reed":
        return (0.35 + 0.65 * odd) / k**0.9
    if kind == "organ":
        return np.select([k == 1, k == 2, k == 3, k == 4, k == 6, k == 8], [1.0, 0.8, 0.6, 0.45, 0.3, 0.25], 0.0)
    if kind == "pluck_bright":
        return 1.0 / k**0.8
    if kind == "pluck_soft":
        return 1.0 / k**1.6
    if kind == "pluck_dull":
        return 1.0 / k**3.0
    if kind == "piano":
        return 1.0 / k**1.1 * (1 + 0.5 * (k == 1))
    if kind == "epiano":
        return np.select([k == 1, k == 2, k == 7], [1.0, 0.25, 0.35], 0.0)
    if kind == "bell":
        return np.select([k == 1, k == 3, k == 5, k == 8], [1.0, 0.5, 0.35, 0.25], 0.0)
    if kind == "flute":
        return np.select([k == 1, k == 2, k == 3], [1.0, 0.15, 0.06], 0.0)
    raise KeyError(kind)


@functools.lru_cache(maxsize=None)
def _wavetable(kind: str, n_harm: int) -> np.ndarray:
    k = np.arange(1, n_harm + 1, dtype=float)
    amps = _spectrum(kind, k)
    theta = np.arange(_TABLE) * (2 * np.pi / _TABLE)
    table = amps @ np.sin(np.outer(k, theta))
    peak = np.max(np.abs(table))
    return (table / peak if peak > 0 else table).astype(np.float32)


@dataclass(frozen=True)
class _Timbre:
    bright: str
    dull: str | None = None
    attack: float = 0.005
    decay: float | None = None   # exponential decay time constant (s); None = sustained
    sustain: float = 1.0
    release: float = 0.05
    bright_tau: float = 0.1
    vibrato: float = 0.0         # relative depth
    vib_rate: float = 5.5
    detune: float = 0.0          # cents of the second voice (0 = one voice)
    tremolo: float = 0.0


_TIMBRES: dict[str, _Timbre] = {
    "pluck": _Timbre("pluck_bright", "pluck_dull", attack=0.002, decay=0.5, sustain=0.0, release=0.06, bright_tau=0.07),
    "nylon": _Timbre("pluck_soft", "sine2", attack=0.003, decay=0.7, sustain=0.0, release=0.08, bright_tau=0.05),
    "piano": _Timbre("piano", "pluck_dull", attack=0.003, decay=0.9, sustain=0.0, release=0.1, bright_tau=0.18),
    "epiano": _Timbre("epiano", "sine2", attack=0.003, decay=1.2, sustain=0.0, release=0.12, bright_tau=0.06, tremolo=0.15),
    "organ": _Timbre("organ", None, attack=0.01, release=0.03, tremolo=0.2),
    "strings": _Timbre("saw_soft", None, attack=0.18, sustain=0.9, release=0.25, vibrato=0.004, detune=8.0),
    "cello": _Timbre("saw_soft", None, attack=0.08, sustain=0.9, release=0.2, vibrato=0.004, vib_rate=5.0),
    "fiddle": _Timbre("saw", None, attack=0.04, sustain=0.9, release=0.08, vibrato=0.008, vib_rate=6.0),
    "pad": _Timbre("saw", None, attack=0.25, sustain=1.0, release=0.4, detune=12.0),
    "brass": _Timbre("saw", "saw_soft", attack=0.03, decay=0.25, sustain=0.7, release=0.08, bright_tau=0.12, vibrato=0.002),
    "reed": _Timbre("reed", None, attack=0.03, sustain=0.9, release=0.06, vibrato=0.005, vib_rate=5.0),
    "square": _Timbre("square", None, attack=0.01, sustain=0.85, release=0.05, vibrato=0.003),
    "saw": _Timbre("saw", None, attack=0.01, sustain=0.85, release=0.06, vibrato=0.004),
    "flute": _Timbre("flute", None, attack=0.06, sustain=0.9, release=0.08, vibrato=0.004, vib_rate=5.0),
    "bell": _Timbre("bell", "sine", attack=0.002, decay=1.0, sustain=0.0, release=0.2, bright_tau=0.3),
    "sub": _Timbre("sine2", None, attack=0.006, sustain=0.9, release=0.05),
    "finger": _Timbre("pluck_soft", "sine2", attack=0.004, decay=0.9, sustain=0.0, release=0.05, bright_tau=0.04),
    "upright": _Timbre("pluck_soft", "sine", attack=0.004, decay=0.5, sustain=0.0, release=0.06, bright_tau=0.03),
    "synth_bass": _Timbre("saw", "saw_soft", attack=0.004, decay=0.2, sustain=0.6, release=0.04, bright_tau=0.05),
}


def _midi_hz(m: float) -> float:
    return 440.0 * 2.0 ** ((m - 69.0) / 12.0)


def _table_for(kind: str, f0: float, sr: int) -> np.ndarray:
    limit = max(1, int(0.45 * sr / f0))
    return _wavetable(kind, max(b for b in _HARMONIC_BUCKETS if b <= limit))


def _phase_index(f0: float, t: np.ndarray, *, vibrato: float, vib_rate: float, phase0: float) -> np.ndarray:
    """Wavetable indices of an oscillator at ``f0`` Hz (with optional vibrato)."""
    cycles = f0 * t + phase0
    if vibrato:
        cycles -= f0 * vibrato / (2 * np.pi * vib_rate) * np.cos(2 * np.pi * vib_rate * t)
    return (cycles * _TABLE).astype(np.int64) & (_TABLE - 1)


def _note(timbre: str, midi: float, length: float, *, sr: int, phase0: float = 0.0) -> np.ndarray:
    """One note (``length`` s held, plus its release tail) of a wavetable instrument.

    Plucked/struck timbres cross-fade from a bright to a dull wavetable (high partials
    die first, as in Karplus-Strong) while decaying exponentially.
    """
    spec = _TIMBRES[timbre]
    f0 = _midi_hz(midi)
    n_hold = max(1, int(length * sr))
    n = n_hold + int(spec.release * sr)
    decay = None
    if spec.decay is not None:
        decay = spec.decay * (220.0 / f0) ** 0.3
        if spec.sustain == 0:
            n = min(n, int(6 * decay * sr) + 1)
    t = np.arange(n) / sr
    tf = t.astype(np.float32)  # envelopes in float32 (fast); phases stay float64 (accurate)
    osc = {"vibrato": spec.vibrato, "vib_rate": spec.vib_rate, "phase0": phase0}
    idx = _phase_index(f0, t, **osc)
    y = _table_for(spec.bright, f0, sr)[idx]
    if spec.dull is not None:
        m = min(n, int(5 * spec.bright_tau * sr))
        dull = _table_for(spec.dull, f0, sr)[idx]
        dull[:m] += np.exp(tf[:m] * np.float32(-1 / spec.bright_tau)) * (y[:m] - dull[:m])
        y = dull
    if spec.detune:
        f1 = f0 * 2 ** (spec.detune / 1200)
        y += _table_for(spec.bright, f1, sr)[_phase_index(f1, t, **{**osc, "phase0": phase0 + 0.37})]
        y *= np.float32(0.5)
    if decay is not None:
        env = np.exp(tf * np.float32(-1 / decay))
        if spec.sustain:
            env = np.float32(spec.sustain) + np.float32(1 - spec.sustain) * env
    else:
        env = np.full(n, spec.sustain, dtype=np.float32)
    na = min(n, int(spec.attack * sr) + 1)
    env[:na] *= tf[:na] * np.float32(1 / spec.attack)
    if n > n_hold:
        env[n_hold:] *= np.exp((tf[n_hold:] - tf[n_hold]) * np.float32(-5 / spec.release))
    if spec.tremolo:
        env *= np.float32(1) - np.float32(spec.tremolo) * (0.5 + 0.5 * np.sin(np.float32(2 * np.pi * 5.0) * tf))
    y *= env
    return y


def _add(buf: np.ndarray, x: np.ndarray, start: int) -> None:
    if start >= len(buf):
        return
    if start < 0:
        x, start = x[-start:], 0
    end = min(len(buf), start + len(x))
    buf[start:end] += x[: end - start]


@functools.lru_cache(maxsize=256)
def _sos(kind: str, cutoff: float, sr: int, order: int = 2) -> np.ndarray:
    from scipy.signal import butter

    return butter(order, min(cutoff, 0.45 * sr), btype=kind, fs=sr, output="sos")


def _filter(x: np.ndarray, kind: str, cutoff: float, sr: int, order: int = 2) -> np.ndarray:
    from scipy.signal import sosfilt

    return sosfilt(_sos(kind, cutoff, sr, order), x)


def _drum_sounds(kit: dict, sr: int) -> dict[str, np.ndarray]:
    """One-shot drum samples of an artist's kit."""
    rng = np.random.default_rng(kit["seed"])

    def noise(seconds: float) -> tuple[np.ndarray, np.ndarray]:
        n = int(seconds * sr)
        return np.arange(n) / sr, rng.standard_normal(n)

    t, z = noise(0.5)
    freq = kit["kick_f0"] + 3 * kit["kick_f0"] * np.exp(-t / 0.025)
    kick = np.sin(2 * np.pi * np.cumsum(freq) / sr) * np.exp(-t / kit["kick_decay"])
    kick += kit["kick_click"] * z * np.exp(-t / 0.003)
    t, z = noise(0.4)
    snare = kit["snare_tone"] * np.sin(2 * np.pi * kit["snare_f0"] * t) * np.exp(-t / 0.05)
    snare += _filter(z, "highpass", kit["snare_cut"], sr) * np.exp(-t / kit["snare_decay"])
    t, z = noise(0.25)
    hat = _filter(z, "highpass", kit["hat_cut"], sr, 4) * np.exp(-t / kit["hat_decay"])
    t, z = noise(0.6)
    ohat = _filter(z, "highpass", kit["hat_cut"] * 0.9, sr, 4) * np.exp(-t / 0.22)
    t, z = noise(1.2)
    partials = kit["ride_f0"] * np.array([1.0, 2.76, 5.4, 8.93, 13.3])
    ride = 0.3 * np.sin(2 * np.pi * np.outer(partials, t)).sum(0) + 0.6 * _filter(z, "highpass", 5000, sr)
    ride *= np.exp(-t / kit["ride_decay"])
    t, z = noise(1.5)
    crash = _filter(z, "highpass", 3500, sr) * np.exp(-t / 0.7)
    t, z = noise(0.12)
    rim = (0.6 * np.sin(2 * np.pi * 820 * t) + 0.6 * _filter(z, "highpass", 1800, sr)) * np.exp(-t / 0.012)
    t, z = noise(0.3)
    bursts = sum(np.where(t >= d, np.exp(-np.maximum(t - d, 0) / 0.008), 0) for d in (0.0, 0.011, 0.022))
    clap = _filter(z, "highpass", 1000, sr) * (0.5 * bursts + np.exp(-t / 0.07))
    sounds = {"kick": kick, "snare": snare, "hat": hat, "ohat": ohat, "ride": ride,
              "crash": crash, "rim": rim, "clap": clap}
    return {k: v / np.max(np.abs(v)) for k, v in sounds.items()}


# =========================================================================== arrangement
_SECTION_TEMPLATES: dict[int, tuple[tuple[str, ...], ...]] = {
    2: (("intro", "verse"), ("verse", "chorus")),
    3: (("intro", "verse", "chorus"), ("verse", "chorus", "bridge"), ("verse", "chorus", "outro")),
    4: (("intro", "verse", "chorus", "bridge"), ("intro", "verse", "chorus", "outro"),
        ("verse", "chorus", "bridge", "chorus")),
}

#: Which parts play in each section: drums (None = all), bass, comp, pad, lead, level.
_ARRANGEMENT: dict[str, dict[str, Any]] = {
    "intro": {"drums": ("hat", "ride", "ohat"), "bass": False, "comp": False, "pad": True, "lead": False, "level": 0.7},
    "verse": {"drums": None, "bass": True, "comp": True, "pad": False, "lead": False, "level": 0.9},
    "chorus": {"drums": None, "bass": True, "comp": True, "pad": True, "lead": True, "level": 1.0},
    "bridge": {"drums": ("kick", "hat", "ride", "ohat", "rim"), "bass": True, "comp": False, "pad": True,
               "lead": True, "level": 0.85},
    "outro": {"drums": ("ride", "hat"), "bass": False, "comp": True, "pad": True, "lead": False, "level": 0.7},
}
_VELOCITY = {"X": 1.0, "x": 0.7, "g": 0.3}


def _choose_sections(rng: np.random.Generator, *, tempo: float, duration: float) -> tuple[np.ndarray, tuple[str, ...]]:
    """Section boundaries (incl. 0 and ``duration``), snapped to bars (or beats), and labels."""
    n = int(rng.choice([2, 3, 3, 4]))
    beat = 60.0 / tempo
    bar = 4 * beat
    unit = bar if duration / bar >= 2 * n else (2 * beat if duration / (2 * beat) >= 2 * n else beat)
    grid = np.arange(unit, duration - 0.5 * unit + 1e-9, unit)
    n = max(2, min(n, len(grid) + 1))
    labels = _SECTION_TEMPLATES[n][int(rng.integers(len(_SECTION_TEMPLATES[n])))]
    if len(grid) == 0:
        inner = np.array([duration / 2])
    else:
        target = duration * np.cumsum(rng.dirichlet(4.0 * np.ones(n)))[:-1]
        idx = np.unique(np.abs(grid[None, :] - target[:, None]).argmin(axis=1))
        if len(idx) != n - 1:
            idx = np.round(np.linspace(0, len(grid) - 1, n + 1)[1:-1]).astype(int)
            idx = np.unique(idx)
        inner = grid[idx]
        if len(inner) != n - 1:  # pragma: no cover - only for absurdly short songs
            inner = duration * np.arange(1, n) / n
    bounds = np.round(np.concatenate([[0.0], inner, [duration]]), 3)
    return bounds, tuple(labels)


def _scale_notes(scale: str, tonic: int, lo: int, hi: int) -> np.ndarray:
    degrees = np.array(_SCALES[scale])
    notes = [m for m in range(lo, hi + 1) if (m - tonic) % 12 in degrees]
    return np.array(notes)


def _chord_notes(root_pc: int, intervals: tuple[int, ...], *, center: int) -> np.ndarray:
    """Chord tones in close position with the root nearest to ``center``."""
    root = center + ((root_pc - center + 6) % 12) - 6
    return root + np.array(intervals)


def _pattern_events(pattern: str, symbols: str) -> list[tuple[int, int, str]]:
    """(step, length in steps, symbol) of every note in a 16-step pattern."""
    events = []
    for i, c in enumerate(pattern):
        if c in symbols:
            length = 1
            while i + length < len(pattern) and pattern[i + length] == "-":
                length += 1
            events.append((i, length, c))
    return events


@dataclass
class _Song:
    """Everything about one track that the part renderers need."""

    recipe: GenreRecipe
    preset: ArtistPreset
    rng: np.random.Generator
    sr: int
    n: int
    tempo: float
    tonic: int
    bounds: np.ndarray
    labels: tuple[str, ...]

    @property
    def step(self) -> float:
        return 15.0 / self.tempo

    @property
    def n_bars(self) -> int:
        return int(math.ceil(self.n / self.sr / (16 * self.step))) + 1

    def time(self, bar: int, step: float) -> float:
        swing8 = self.recipe.swing8 + (self.preset.swing if self.recipe.swing8 > 0 else 0.0)
        s = step
        istep = int(step)
        if istep % 4 == 2:
            s += 2 * swing8
        if istep % 2 == 1:
            s += self.recipe.swing16
        return (bar * 16 + s) * self.step

    def section_at(self, t: float) -> int:
        return int(np.clip(np.searchsorted(self.bounds, t, side="right") - 1, 0, len(self.labels) - 1))

    def chord_at(self, t: float) -> tuple[int, tuple[int, ...]]:
        k = self.section_at(t)
        chords = self.recipe.progression(self.labels[k]).split()
        bar_in_section = int(max(0.0, t - self.bounds[k] + 1e-6) // (16 * self.step))
        offset, intervals = _parse_chord(chords[bar_in_section % len(chords)])
        return (self.tonic + offset) % 12, intervals

    def active(self, part: str, t: float) -> tuple[bool, float]:
        arr = _ARRANGEMENT[self.labels[self.section_at(t)]]
        return bool(arr[part]) or part in self.recipe.always, float(arr["level"])


def _render_drums(song: _Song, sounds: dict[str, np.ndarray]) -> np.ndarray:
    buf = np.zeros(song.n)
    rng, sr = song.rng, song.sr
    for drum, pattern in song.recipe.drums:
        for bar in range(song.n_bars):
            for step, _, c in _pattern_events(pattern, "Xxg"):
                t = song.time(bar, step) + rng.normal(0, song.preset.jitter)
                arr = _ARRANGEMENT[song.labels[song.section_at(t)]]
                if arr["drums"] is not None and drum not in arr["drums"]:
                    continue
                vel = _VELOCITY[c] * arr["level"] * rng.uniform(0.85, 1.0)
                _add(buf, vel * sounds[drum], int(round(t * sr)))
    if song.recipe.drums:
        for k, label in enumerate(song.labels):  # crash at the start of every chorus
            if label == "chorus":
                _add(buf, 0.8 * sounds["crash"], int(round(song.bounds[k] * sr)))
    return buf


def _bass_note(song: _Song, t: float, symbol: str, *, bar: int, step: int) -> int:
    root, intervals = song.chord_at(t)
    base = song.recipe.bass_octave + root
    if symbol == "R":
        return base
    if symbol == "W":  # walking bass: root on beat 1, chord/scale tones, chromatic approach on beat 4
        beat = step // 4
        if beat == 0:
            return base
        if beat == 3:
            nxt_root, _ = song.chord_at(song.time(bar + 1, 0) + 1e-3)
            target = song.recipe.bass_octave + nxt_root
            return target + int(song.rng.choice([-1, 1]))
        return base + int(song.rng.choice([intervals[1], intervals[2], 2, 5, 9]))
    offsets = {"3": intervals[1], "5": 7, "6": 9, "7": intervals[3] if len(intervals) > 3 else 10, "8": 12}
    return base + offsets[symbol]


def _render_bass(song: _Song) -> np.ndarray:
    buf = np.zeros(song.n)
    events = _pattern_events(song.recipe.bass_pattern, "R35678W")
    for bar in range(song.n_bars):
        for step, length, c in events:
            t = song.time(bar, step) + song.rng.normal(0, song.preset.jitter)
            on, level = song.active("bass", max(t, 0.0))
            if not on:
                continue
            midi = _bass_note(song, max(t, 0.0), c, bar=bar, step=step)
            dur = length * song.step * (0.9 if c == "W" else 0.85)
            _add(buf, level * _note(song.preset.bass, midi, dur, sr=song.sr), int(round(t * song.sr)))
    return buf


def _render_comp(song: _Song) -> np.ndarray:
    buf = np.zeros(song.n)
    r, p = song.recipe, song.preset
    center = 57 + p.register
    hits = 0
    for bar in range(song.n_bars):
        for step, length, c in _pattern_events(r.comp_pattern, "CA"):
            t = song.time(bar, step) + song.rng.normal(0, p.jitter)
            on, level = song.active("comp", max(t, 0.0))
            if not on:
                continue
            root, intervals = song.chord_at(max(t, 0.0))
            if r.comp_voicing == "power":
                notes = _chord_notes(root, (0, 7, 12), center=center - 12)
            elif r.comp_voicing == "boogie":
                notes = _chord_notes(root, (0, 7 if hits % 2 == 0 else 9), center=center - 7)
            elif r.comp_voicing == "triad":
                notes = _chord_notes(root, intervals[:3], center=center)
            else:
                notes = _chord_notes(root, intervals, center=center)
            if c == "A":  # Alberti arpeggio: root, fifth, third, fifth
                notes = notes[[0, 2, 1, 2][hits % 4] % len(notes): ][:1]
            dur = length * song.step * r.comp_gate
            vel = level * song.rng.uniform(0.75, 1.0) / np.sqrt(len(notes))
            for j, m in enumerate(notes):
                delay = j * p.strum if r.strum else 0.0
                _add(buf, vel * _note(p.comp, m, dur, sr=song.sr, phase0=0.1 * j), int(round((t + delay) * song.sr)))
            hits += 1
    if p.drive > 0:
        rms = np.sqrt(np.mean(buf**2)) + 1e-12
        buf = np.tanh(p.drive * 0.3 * buf / rms) / np.tanh(p.drive * 0.3)
        buf = _filter(buf, "lowpass", min(p.brightness, 4500), song.sr)
    return buf


def _render_pad(song: _Song) -> np.ndarray:
    buf = np.zeros(song.n)
    p = song.preset
    for bar in range(song.n_bars):
        for step, length, _ in _pattern_events(song.recipe.pad_pattern, "C"):
            t = song.time(bar, step)
            on, level = song.active("pad", t)
            if not on:
                continue
            root, intervals = song.chord_at(t)
            notes = _chord_notes(root, intervals[:3], center=62 + p.register)
            for j, m in enumerate(notes):
                _add(buf, level / 3 * _note(p.pad, m, length * song.step * 0.95, sr=song.sr, phase0=0.21 * j),
                     int(round(t * song.sr)))
    return buf


def _render_lead(song: _Song) -> np.ndarray:
    buf = np.zeros(song.n)
    p = song.preset
    notes = _scale_notes(song.recipe.scale, song.tonic, 64 + p.register, 84 + p.register)
    pos = len(notes) // 2
    for bar in range(song.n_bars):
        for step, length, _ in _pattern_events(song.recipe.lead_pattern, "N"):
            t = song.time(bar, step) + song.rng.normal(0, p.jitter)
            on, level = song.active("lead", max(t, 0.0))
            if not on:
                continue
            pos = int(np.clip(pos + song.rng.choice([-2, -1, -1, 0, 1, 1, 2]), 0, len(notes) - 1))
            dur = length * song.step * 0.9
            _add(buf, level * _note(p.lead, notes[pos], dur, sr=song.sr), int(round(t * song.sr)))
    return buf


def _reverb(y: np.ndarray, *, time_constant: float, mix: float, sr: int, rng: np.random.Generator) -> np.ndarray:
    """Light reverb: convolution with an exponentially decaying noise impulse response."""
    from scipy.signal import fftconvolve

    n = int(min(4 * time_constant, 1.5) * sr)
    t = np.arange(n) / sr
    ir = rng.standard_normal(n) * np.exp(-t / time_constant)
    ir = _filter(ir, "lowpass", 5000, sr)
    wet = fftconvolve(y, ir)[: len(y)]
    wet *= np.sqrt(np.mean(y**2) / (np.mean(wet**2) + 1e-20))
    return (1 - mix) * y + mix * wet


def _normalize(y: np.ndarray, target_db: float = TARGET_RMS_DB) -> np.ndarray:
    """RMS-normalise to ``target_db`` dBFS with a soft limiter on the peaks."""
    target = 10 ** (target_db / 20)
    for _ in range(3):
        rms = np.sqrt(np.mean(y**2))
        if rms <= 0:
            return y
        y = y * (target / rms)
        if np.max(np.abs(y)) <= 0.95:
            break
        y = np.where(np.abs(y) > 0.7, np.sign(y) * (0.7 + 0.25 * np.tanh((np.abs(y) - 0.7) / 0.25)), y)
    return np.clip(y, -0.999, 0.999)


def _key_name(tonic: int, scale: str) -> str:
    mode = {"blues": "blues", "major": "major", "minor": "minor"}.get(scale, scale)
    return f"{_NOTE_NAMES[tonic]} {mode}"


def synthesize_track(
    genre: str,
    *,
    artist: int,
    seed: int,
    duration: float = 12.0,
    sr: int = 22050,
    track: int = 0,
) -> tuple[np.ndarray, dict[str, Any]]:
    """Synthesise one toy song of ``genre`` by artist ``artist``.

    Taught in notebook 01 (how the toy data is made); used by :func:`make_toy_dataset`.

    Parameters
    ----------
    genre : str
        One of :data:`GENRES`.
    artist : int
        Artist index; the artist's preset comes from :func:`artist_preset` ``(genre, artist, seed)``.
    seed : int
        Dataset seed (non-negative).
    duration : float, optional
        Length in seconds.
    sr : int, optional
        Sample rate in Hz.
    track : int, optional
        Index of the song within the artist's tracks (selects its random numbers).

    Returns
    -------
    y : numpy.ndarray
        float32 mono samples in ``[-1, 1]``, RMS-normalised to :data:`TARGET_RMS_DB` dBFS.
    info : dict
        ``genre, artist, tempo, key, sections`` (boundaries incl. 0 and the end, seconds),
        ``section_labels`` and ``duration``.

    Examples
    --------
    >>> y, info = synthesize_track("reggae", artist=0, seed=0, duration=3.0)
    >>> y.dtype, len(y), info["sections"][0]
    (dtype('float32'), 66150, 0.0)
    """
    if genre not in GENRE_RECIPES:
        raise ValueError(f"unknown toy genre {genre!r}; choose from {', '.join(GENRE_RECIPES)}")
    if duration <= 0:
        raise ValueError(f"duration must be positive, got {duration}")
    recipe = GENRE_RECIPES[genre]
    preset = artist_preset(genre, artist=artist, seed=seed)
    rng = np.random.default_rng([int(seed), _genre_code(genre), int(artist), int(track)])
    n = int(round(duration * sr))
    duration = n / sr
    lo, hi = recipe.tempo
    tempo = float(np.clip(preset.tempo_center + rng.uniform(-1, 1) * preset.tempo_spread, lo, hi))
    tempo = round(tempo, 1)
    tonic = int(preset.keys[int(rng.random() < 0.3)])
    bounds, labels = _choose_sections(rng, tempo=tempo, duration=round(duration, 3))
    bounds[-1] = round(duration, 3)
    song = _Song(recipe, preset, rng, sr, n, tempo, tonic, bounds, labels)

    parts = {
        "drums": _render_drums(song, _drum_sounds(preset.kit, sr)) if recipe.drums else np.zeros(n),
        "bass": _render_bass(song),
        "comp": _render_comp(song),
        "pad": _render_pad(song),
        "lead": _render_lead(song),
    }
    mix = np.zeros(n)
    for name, part in parts.items():
        rms = np.sqrt(np.mean(part**2))
        if rms > 0:
            if name in ("comp", "pad") and preset.drive == 0:
                part = _filter(part, "lowpass", preset.brightness, sr)
            mix += preset.gains[name] * part / rms
    if recipe.crackle:
        clicks = (rng.random(n) < 12.0 / sr) * rng.standard_normal(n)
        mix += 3.0 * _filter(clicks, "highpass", 1500, sr)
    mix = _filter(mix, "highpass", preset.highpass, sr)
    mix = _filter(mix, "lowpass", preset.lowpass, sr)
    room_rng = np.random.default_rng([int(seed), _genre_code(genre), int(artist), 2_000_003])
    mix = _reverb(mix, time_constant=preset.reverb_time, mix=preset.reverb_mix, sr=sr, rng=room_rng)
    noise = _filter(rng.standard_normal(n), "lowpass", preset.noise_cutoff, sr)
    noise *= np.sqrt(np.mean(mix**2) / np.mean(noise**2)) * 10 ** (preset.noise_db / 20)
    y = _normalize(mix + noise).astype(np.float32)
    info = {
        "genre": genre, "artist": preset.name, "tempo": tempo, "key": _key_name(tonic, recipe.scale),
        "sections": [float(b) for b in bounds], "section_labels": list(labels), "duration": round(duration, 3),
    }
    return y, info


# =========================================================================== dataset files
def _track_id(genre: str, number: int) -> str:
    return f"{genre}.{number:05d}"


def _write_track(folder: str, genre: str, artist: int, track: int, number: int, seed: int,
                 duration: float, sr: int) -> dict[str, Any]:
    """Synthesise and write one WAV file; return its metadata row (runs in joblib workers)."""
    import soundfile as sf

    y, info = synthesize_track(genre, artist=artist, seed=seed, duration=duration, sr=sr, track=track)
    rel = f"genres/{genre}/{_track_id(genre, number)}.wav"
    pcm = np.round(np.clip(y, -1.0, 1.0) * 32767).astype(np.int16)
    sf.write(os.path.join(folder, rel), pcm, sr, subtype="PCM_16", format="WAV")
    return {
        "track_id": _track_id(genre, number), "genre": genre, "artist": info["artist"],
        "tempo": info["tempo"], "key": info["key"],
        "sections": ";".join(f"{b:g}" if b != int(b) else f"{b:.1f}" for b in info["sections"]),
        "section_labels": ";".join(info["section_labels"]), "duration": info["duration"], "path": rel,
    }


def _params(**kw: Any) -> dict[str, Any]:
    kw["genres"] = list(kw["genres"])
    kw["version"] = GENERATOR_VERSION
    return kw


def make_toy_dataset(
    root: str | os.PathLike,
    *,
    seed: int = 0,
    n_artists: int = 5,
    tracks_per_artist: int = 4,
    duration: float = 12.0,
    sr: int = 22050,
    genres: Sequence[str] = GENRES,
    n_jobs: int = 2,
) -> "Any":
    """Generate the toy dataset into ``root`` (replacing an existing one there).

    Taught in notebook 01. Files are first written to a temporary folder inside
    ``root`` and moved into place; ``metadata.csv`` is written last, so an interrupted
    run never looks complete to :func:`ensure_toy_dataset`.

    Parameters
    ----------
    root : path-like
        Output folder (created if needed).
    seed : int, optional
        Dataset seed; the same seed gives byte-identical files.
    n_artists : int, optional
        Artists per genre.
    tracks_per_artist : int, optional
        Songs per artist.
    duration : float, optional
        Song length in seconds.
    sr : int, optional
        Sample rate in Hz.
    genres : sequence of str, optional
        Genres to generate (default: all ten).
    n_jobs : int, optional
        Parallel worker processes (joblib); the output does not depend on it.

    Returns
    -------
    pandas.DataFrame
        The metadata (columns :data:`METADATA_COLUMNS`, ``path`` relative to ``root``).
    """
    import pandas as pd
    from joblib import Parallel, delayed

    genres = tuple(genres)
    unknown = [g for g in genres if g not in GENRE_RECIPES]
    if unknown:
        raise ValueError(f"unknown toy genre(s) {unknown}; choose from {', '.join(GENRE_RECIPES)}")
    if seed < 0 or n_artists < 1 or tracks_per_artist < 1:
        raise ValueError("seed must be >= 0 and n_artists, tracks_per_artist >= 1")
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    tmp = root / f".tmp-{uuid.uuid4().hex[:8]}"
    try:
        for g in genres:
            (tmp / "genres" / g).mkdir(parents=True, exist_ok=True)
        jobs = [
            (g, a, t, a * tracks_per_artist + t)
            for g in genres for a in range(n_artists) for t in range(tracks_per_artist)
        ]
        rows = Parallel(n_jobs=n_jobs)(
            delayed(_write_track)(str(tmp), g, a, t, number, seed, duration, sr) for g, a, t, number in jobs
        )
        meta = pd.DataFrame(rows, columns=list(METADATA_COLUMNS))
        # Swap in the new files: metadata first out, last in.
        for stale in (root / "metadata.csv", root / _PARAMS_FILE):
            stale.unlink(missing_ok=True)
        if (root / "genres").exists():
            shutil.rmtree(root / "genres")
        os.replace(tmp / "genres", root / "genres")
        params = _params(seed=seed, n_artists=n_artists, tracks_per_artist=tracks_per_artist,
                         duration=duration, sr=sr, genres=genres)
        (root / _PARAMS_FILE).write_text(json.dumps(params, indent=1))
        meta.to_csv(tmp / "metadata.csv", index=False)
        os.replace(tmp / "metadata.csv", root / "metadata.csv")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return meta


#: Default options of :func:`make_toy_dataset` (used by :func:`ensure_toy_dataset`).
DEFAULT_OPTIONS: dict[str, Any] = {
    "seed": 0, "n_artists": 5, "tracks_per_artist": 4, "duration": 12.0, "sr": 22050, "genres": GENRES, "n_jobs": 2,
}


def load_toy_metadata(root: str | os.PathLike | None = None) -> "Any":
    """Read ``metadata.csv`` of a toy dataset, with ``path`` made absolute.

    Taught in notebook 01.

    Parameters
    ----------
    root : path-like, optional
        Dataset folder (default: :func:`mgc_helpers.config.toy_root`).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`METADATA_COLUMNS`.

    Raises
    ------
    FileNotFoundError
        If ``metadata.csv`` is missing (run :func:`ensure_toy_dataset` first).
    """
    import pandas as pd

    root = _root(root)
    path = root / "metadata.csv"
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} does not exist; generate the toy dataset with mgc_helpers.toy.ensure_toy_dataset() "
            "or `python -m mgc_helpers toy`"
        )
    meta = pd.read_csv(path, dtype={"sections": str, "section_labels": str, "key": str, "track_id": str})
    meta["path"] = [str(root / p) for p in meta["path"]]
    return meta


def _root(root: str | os.PathLike | None) -> Path:
    if root is None:
        from . import config

        return config.toy_root()
    return Path(root).expanduser().resolve()


def _is_complete(root: Path, params: dict[str, Any]) -> bool:
    """Metadata present, generated with the same parameters, and every file there."""
    try:
        stored = json.loads((root / _PARAMS_FILE).read_text())
        meta = load_toy_metadata(root)
    except (OSError, ValueError):
        return False
    if stored != params or tuple(meta.columns) != METADATA_COLUMNS:
        return False
    expected = len(params["genres"]) * params["n_artists"] * params["tracks_per_artist"]
    return len(meta) == expected and all(Path(p).is_file() for p in meta["path"])


def ensure_toy_dataset(root: str | os.PathLike | None = None, **kw: Any) -> "Any":
    """Return the toy dataset's metadata, generating the data first if it is missing.

    Taught in notebook 01; the first code cell of every notebook calls it. Existing
    data is reused when ``metadata.csv`` is there, lists every file and was generated
    with the same parameters; otherwise (missing, interrupted, other parameters) it is
    regenerated with :func:`make_toy_dataset`.

    Parameters
    ----------
    root : path-like, optional
        Dataset folder (default: :func:`mgc_helpers.config.toy_root`, i.e. ``data/toy``).
    **kw
        Keyword options of :func:`make_toy_dataset` (``seed``, ``n_artists``...).

    Returns
    -------
    pandas.DataFrame
        Metadata with absolute ``path`` (see :func:`load_toy_metadata`).
    """
    root = _root(root)
    unknown = set(kw) - set(DEFAULT_OPTIONS)
    if unknown:
        raise TypeError(f"unexpected option(s) {sorted(unknown)} for the toy dataset")
    opts = {**DEFAULT_OPTIONS, **kw}
    params = _params(**{k: v for k, v in opts.items() if k != "n_jobs"})
    if not _is_complete(root, params):
        make_toy_dataset(root, **opts)
    return load_toy_metadata(root)


def section_boundaries(row: Mapping[str, Any] | str) -> np.ndarray:
    """Section boundaries (seconds, including 0 and the end) of a metadata row.

    Taught in notebook 01; notebook 05 scores a segmentation against them.

    Parameters
    ----------
    row : mapping or str
        A metadata row (anything with a ``"sections"`` entry, e.g. ``tracks.iloc[0]``)
        or the ``"0.0;4.1;8.3;12.0"`` string itself.

    Returns
    -------
    numpy.ndarray
        Increasing float boundaries.
    """
    text = row if isinstance(row, str) else row["sections"]
    return np.array([float(x) for x in str(text).split(";")])
