"""The genre app: train or load a model, then classify a toy clip or your own song (report 000's GUI).

Taught in notebook 10. Report 000 built a small GUI to choose a model, train it (with a live
loss/accuracy graph) or load saved weights, and predict the genre of a new song. Besides the trained
models the app offers :data:`mgc_helpers.bundle.ZERO_SHOT`, musicnn's pretrained tagger read as a genre
classifier: ready at once (no training), and chosen by default when a file is uploaded, since an
upload is real music that models trained on the synthetic toy data were never meant to recognise. Its
prediction names the tags behind the genre; a toy-trained model's prediction of anything but a toy
clip carries a visible warning (:func:`mgc_helpers.bundle.domain_note`), and the status line says what
the chosen model was trained on (:func:`mgc_helpers.bundle.trained_on`). This module is
only the widgets (ipywidgets 7 and 8): everything they do is a plain, unit-tested function of
:mod:`mgc_helpers.bundle` (training, saving, loading, decoding uploads, predicting), and the
picture of a prediction is :func:`mgc_helpers.plots.prediction`. Nothing in the package imports
this module.

The CSS classes are a contract with the browser test: the root ``mgc-genre-app``, the model
dropdown ``mgc-app-model``, the clip dropdown ``mgc-app-clip``, the upload ``mgc-app-upload``, the
buttons ``mgc-app-predict``, ``mgc-app-train`` and ``mgc-app-load``, and the result area
``mgc-app-result`` (which shows ``Predicted genre: <genre>`` or a message starting with ``Could not``;
a domain warning inside it has the class ``mgc-app-warning``).
"""
from __future__ import annotations

import html
from pathlib import Path
from typing import Any, Mapping

import pandas as pd

from . import bundle as mb
from . import plots
from . import widgets as mgc_widgets
from .datasets.folder import AUDIO_EXTENSIONS

__all__ = ["CSS_CLASSES", "genre_app"]

#: What the zero-shot model is, for the status line.
_ZERO_SHOT_TEXT = "musicnn's tagger pretrained on real music, genres read from its own tags (notebook 08)"
#: Widget key -> CSS class (the browser test's contract).
CSS_CLASSES = {"model": "mgc-app-model", "clip": "mgc-app-clip", "upload": "mgc-app-upload",
               "predict": "mgc-app-predict", "train": "mgc-app-train", "load": "mgc-app-load",
               "result": "mgc-app-result"}


# --------------------------------------------------------------------------- building blocks
def _as_models(models: mb.GenreModel | Mapping[str, mb.GenreModel] | None,
               tracks: pd.DataFrame) -> dict[str, mb.GenreModel]:
    """The models given, plus the zero-shot model for the dataset's genres (when its tables know them)."""
    loaded = {models.kind: models} if isinstance(models, mb.GenreModel) else dict(models or {})
    if mb.ZERO_SHOT not in loaded:
        try:
            loaded[mb.ZERO_SHOT] = mb.zero_shot_model(sorted(tracks["genre"].unique()))
        except (KeyError, ValueError):  # genres the zero-shot tables do not know: no zero-shot model
            pass
    return loaded


def _first_model(loaded: Mapping[str, mb.GenreModel]) -> str:
    """The model chosen at start: the first trained model given, else the zero-shot model."""
    trained = [kind for kind in loaded if kind != mb.ZERO_SHOT]
    return trained[0] if trained else (mb.ZERO_SHOT if mb.ZERO_SHOT in loaded else "CNN")


def _controls(loaded: Mapping[str, mb.GenreModel], clips: pd.DataFrame) -> dict[str, Any]:
    """The app's widgets, each with its CSS class."""
    import ipywidgets as W

    options = [(f"{row.genre} · {row.track_id}", str(row.path)) for row in clips.itertuples()]
    parts = {
        "model": W.Dropdown(options=[mb.ZERO_SHOT, *mb.MODEL_KINDS], value=_first_model(loaded),
                            description="Model"),
        "clip": W.Dropdown(options=options, description="Clip"),
        "upload": W.FileUpload(accept=",".join(AUDIO_EXTENSIONS) + ",audio/*", multiple=False,
                               description="Upload"),
        "predict": W.Button(description="Predict", button_style="primary", icon="music"),
        "train": W.Button(description="Train", icon="cogs"),
        "load": W.Button(description="Load saved", icon="folder-open"),
        "status": W.HTML(), "message": W.HTML(), "plots": W.Output(), "training": W.Output(),
    }
    parts["result"] = W.VBox([parts["message"], parts["plots"]])
    for key, css in CSS_CLASSES.items():
        parts[key].add_class(css)
    return parts


def _layout(parts: Mapping[str, Any]) -> Any:
    import ipywidgets as W

    box = W.VBox([
        W.HTML("<h3>Music genre app</h3>"),
        W.HBox([parts["model"], parts["train"], parts["load"]]), parts["status"], parts["training"],
        W.HBox([parts["clip"], parts["upload"], parts["predict"]]),
        parts["result"],
    ])
    box.add_class("mgc-genre-app")
    return box


def _status_html(kind: str, model: mb.GenreModel | None) -> str:
    """One line on the chosen model: not trained yet, or where it comes from and how good it is."""
    if model is None:
        return f"<i>{html.escape(kind)}: not trained yet. Click Train (or Load saved).</i>"
    acc = model.info.get("clip_accuracy")
    where = f", test clip accuracy {acc:.0%}" if isinstance(acc, (int, float)) else ""
    described = _ZERO_SHOT_TEXT if model.kind == mb.ZERO_SHOT else mb.MODEL_KINDS[model.kind].description
    return (f"<b>{html.escape(kind)}</b> ready ({html.escape(described)}; "
            f"{html.escape(mb.trained_on(model))}{where}).")


def _message_html(text: str, *, error: bool = False, warning: str = "") -> str:
    colour = "#b00020" if error else "#1b5e20"
    line = f'<p style="color:{colour}; font-size:1.1em"><b>{html.escape(text)}</b></p>'
    if warning:
        line += (f'<p class="mgc-app-warning" style="color:#8a4b00; background:#fff3e0; padding:4px">'
                 f'<b>{html.escape(warning)}</b></p>')
    return line


# --------------------------------------------------------------------------- the app's state and actions
class _GenreApp:
    """The widgets, the models ready to use, and what the three buttons do."""

    def __init__(self, loaded: dict[str, mb.GenreModel], tracks: pd.DataFrame, parts: dict[str, Any], *,
                 dataset: str, split: str, epochs: int | None, save: bool) -> None:
        self.loaded, self.tracks, self.parts = loaded, tracks, parts
        self.dataset, self.split, self.epochs, self.save = dataset, split, epochs, save
        self.state: dict[str, Any] = {"source": "clip", "prediction": None, "error": None, "warning": ""}
        self.toy_paths = {str(p) for p in tracks["path"]} if dataset == "toy" and "path" in tracks else set()

    def say(self, text: str, *, error: bool = False, warning: str = "") -> None:
        if error:
            self.state["error"] = text
        self.state["warning"] = warning
        self.parts["message"].value = _message_html(text, error=error, warning=warning)

    def show_status(self, *_: Any) -> None:
        kind = self.parts["model"].value
        self.parts["status"].value = _status_html(kind, self.loaded.get(kind))

    def source(self) -> Any:
        """The last uploaded ``(name, bytes)`` when the upload was touched last, else the chosen clip's path."""
        files = mgc_widgets.uploaded_files(self.parts["upload"])
        return files[-1] if self.state["source"] == "upload" and files else self.parts["clip"].value

    def predict(self, *_: Any) -> mb.Prediction | None:
        self.state["error"] = None
        kind = self.parts["model"].value
        model = self.loaded.get(kind)
        if model is None:
            self.say(f"Could not predict: the {kind} model is not trained yet; click Train or Load saved.",
                     error=True)
            return None
        source = self.source()
        label = source[0] if isinstance(source, tuple) else Path(source).name
        try:
            pred, y = mb.predict_file(model, source)
        except mb.ClipError as exc:
            self.say(str(exc), error=True)
            self.parts["plots"].clear_output()
            return None
        except Exception as exc:  # never a traceback in the app
            self.say(f"Could not classify '{label}': {type(exc).__name__}: {exc}", error=True)
            return None
        self.state["prediction"] = pred
        toy_clip = not isinstance(source, tuple) and str(source) in self.toy_paths
        self.say(f"{pred.summary()} — {label}, {kind}", warning=mb.domain_note(model, toy_clip=toy_clip))
        self.draw(pred, y, model.sr, title=f"{label} · {kind}")
        return pred

    def draw(self, pred: mb.Prediction, y: Any, sr: int, *, title: str) -> None:
        import matplotlib.pyplot as plt
        from IPython.display import display

        out = self.parts["plots"]
        with out:
            out.clear_output(wait=True)
            fig = plots.prediction(pred, y, sr, title=title)
            display(fig)
            plt.close(fig)

    def uploaded(self, *_: Any) -> None:
        """A file was uploaded: use it, with the zero-shot model (the user may choose another one after)."""
        self.state["source"] = "upload"
        if mb.ZERO_SHOT in self.loaded:
            self.parts["model"].value = mb.ZERO_SHOT

    def train(self, *_: Any) -> mb.GenreModel | None:
        kind, parts = self.parts["model"].value, self.parts
        if kind == mb.ZERO_SHOT:
            self.say(f"The {kind} model needs no training: it is ready. Choose a clip or upload a song and click "
                     f"Predict.")
            return self.loaded.get(kind)
        parts["train"].disabled = parts["predict"].disabled = True
        self.say(f"Training {kind} on {self.dataset}...")
        try:
            with parts["training"]:
                parts["training"].clear_output(wait=True)
                live = _OutputPlot(parts["training"], title=f"{kind} on {self.dataset}")
                model, scores = mb.train_model(kind, self.tracks, dataset=self.dataset, split=self.split,
                                               epochs=self.epochs, live_plot=live)
            self.loaded[kind] = model
            if self.save:
                mb.save_model(model)
            self.say(f"Trained {kind} in {model.info['seconds']:.0f} s: test clip accuracy "
                     f"{scores['clip_accuracy']:.0%} ({mb.trained_on(model)}). Choose a clip and click Predict.")
            return model
        except Exception as exc:  # e.g. musicnn weights not downloadable offline
            self.say(f"Could not train {kind}: {type(exc).__name__}: {exc}", error=True)
            return None
        finally:
            parts["train"].disabled = parts["predict"].disabled = False
            self.show_status()

    def load(self, *_: Any) -> mb.GenreModel | None:
        kind = self.parts["model"].value
        if kind == mb.ZERO_SHOT:
            self.say(f"The {kind} model is never saved: it needs no training and is ready.")
            return self.loaded.get(kind)
        try:
            self.loaded[kind] = mb.load_model(mb.default_name(self.dataset, kind))
        except (mb.BundleError, OSError) as exc:
            self.say(f"Could not load a saved {kind} model: {exc}", error=True)
            return None
        self.say(f"Loaded the saved {kind} model.")
        self.show_status()
        return self.loaded[kind]

    def connect(self) -> None:
        parts = self.parts
        parts["clip"].observe(lambda _: self.state.update(source="clip"), names="value")
        parts["upload"].observe(self.uploaded, names="value")
        parts["model"].observe(self.show_status, names="value")
        parts["predict"].on_click(self.predict)
        parts["train"].on_click(self.train)
        parts["load"].on_click(self.load)
        self.show_status()


# --------------------------------------------------------------------------- the widget
def genre_app(
    models: mb.GenreModel | Mapping[str, mb.GenreModel] | None,
    tracks: pd.DataFrame,
    *,
    dataset: str = "toy",
    split: str = "artist",
    clips: pd.DataFrame | None = None,
    epochs: int | None = None,
    save: bool = True,
) -> Any:
    """The genre app: choose a model, train or load it, pick a clip or upload a song, predict.

    Taught in notebook 10 (report 000's GUI). A thin layer over :func:`mgc_helpers.bundle.train_model`,
    :func:`~mgc_helpers.bundle.load_model` and :func:`~mgc_helpers.bundle.predict_file`; works with
    ipywidgets 7 and 8. Uploads longer than :data:`mgc_helpers.bundle.MAX_AUDIO_SECONDS` are cut
    there, and the message says so.

    Parameters
    ----------
    models : GenreModel, mapping or None
        Models ready to use (``{kind: GenreModel}``, or one), so that Predict works at once. The
        zero-shot model (:func:`mgc_helpers.bundle.zero_shot_model` of the dataset's genres) is added
        unless given; it is chosen at start only when no other model is given, and whenever a file
        is uploaded.
    tracks : pandas.DataFrame
        The dataset the Train button trains on (with its split).
    dataset : str, keyword-only
        Its name (what a model trained with the button says it was trained on).
    split : str, keyword-only
        The name of its split (``segments.split_name``: ``"artist"``, ``"filtered"``, ``"official"``).
    clips : pandas.DataFrame, optional, keyword-only
        The clips offered in the dropdown (default: the test split of ``tracks``).
    epochs : int, optional, keyword-only
        Epochs of the Train button (default: each kind's).
    save : bool, keyword-only
        Save every model trained with the button (:func:`mgc_helpers.bundle.save_model`).

    Returns
    -------
    ipywidgets.VBox
        With CSS class ``mgc-genre-app``; its ``app`` attribute (a dict) holds the parts
        (``model``, ``clip``, ``upload``, ``predict``, ``train``, ``load``, ``message``,
        ``plots``, ``training``, ``result``, ``models``, ``state``) and the callbacks
        ``do_predict``, ``do_train``, ``do_load``.
    """
    loaded = _as_models(models, tracks)
    clips = tracks[tracks["split"] == "test"] if clips is None else clips
    parts = _controls(loaded, clips)
    app = _GenreApp(loaded, tracks, parts, dataset=dataset, split=split, epochs=epochs, save=save)
    app.connect()
    box = _layout(parts)
    box.app = {**parts, "models": loaded, "state": app.state,
               "do_predict": app.predict, "do_train": app.train, "do_load": app.load}
    return box


# --------------------------------------------------------------------------- live training plot
def _output_plot_class() -> type:
    from . import training

    class OutputPlot(training.LivePlot):
        """:class:`~mgc_helpers.training.LivePlot` drawing into an ``ipywidgets.Output`` (button callbacks)."""

        def __init__(self, output: Any, *, title: str = "") -> None:
            super().__init__(every=1, title=title, notebook=True)
            self.output = output

        def _draw(self) -> None:
            import matplotlib.pyplot as plt
            from IPython.display import display

            fig = training.plot_history(self.history, title=self.title)
            with self.output:
                self.output.clear_output(wait=True)
                display(fig)
            plt.close(fig)

    return OutputPlot


def _OutputPlot(output: Any, *, title: str = "") -> Any:  # noqa: N802 (a class built lazily: keras)
    return _output_plot_class()(output, title=title)
