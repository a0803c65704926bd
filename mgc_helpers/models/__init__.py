"""Neural network models of the course (Keras 3), one module per family.

Importing this package is light: it imports no submodule and never TensorFlow or
Keras. Import the module you need explicitly::

    from mgc_helpers.models import musicnn     # pretrained music tagger (notebook 08)
    from mgc_helpers.models import imagenet    # ImageNet backbones on spectrograms (notebook 08)

``musicnn`` and ``imagenet`` import Keras/TensorFlow when they are imported.
"""
from __future__ import annotations
