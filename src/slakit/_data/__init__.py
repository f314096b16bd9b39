"""Agreements as plain data: the codec, the file formats, the JSON Schema and the loader.

Every DSL node is an ``attrs`` class; ``slakit._data._registry`` gives each
a stable tag and reads its fields from attrs, so a new node class needs at most
one ``register(...)`` line (and none at all when the snake-case form of its
class name is a good tag). ``slakit._data._codec`` turns nodes into plain
data and back, collecting every problem with its path; ``slakit._data._formats``
reads and writes JSON, YAML and TOML; ``slakit._data._schema`` derives the
JSON Schema from the same registry.
"""
