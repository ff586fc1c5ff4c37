"""Verdicts remembered by the facts they read. No Django import.

A market's verdict is a function of the facts its rules read and of nothing else about the
car: which facts those are depends on the answers (a rule for used cars reads the odometer
only of a registered car). So each market keeps a tree of the reads its verdicts made: a node
names the next fact read, a branch follows each value it had, and a leaf holds the verdict.
Judging a car walks the tree, reading the same facts in the same order; a car whose walk ends
off the tree is judged in full, through a stand-in that notes each fact read, and its path is
added. Cars alike in every fact a market reads share that market's verdict object, which is
never changed once made; a car that differs in a fact no rule of the market reads (the build
month, for a market that reads only the year) costs a walk instead of a judgement.
"""

from decimal import Decimal

_NOTHING = object()


def _value_key(value):
    """What tells two read values apart for the rules: equal and of one type, and a Decimal
    written alike ("80" and "80.0" are equal but read differently in a sentence); a set by
    the order it is walked in, which a rule may repeat in a sentence."""
    if isinstance(value, Decimal):
        return (Decimal, str(value))
    if isinstance(value, frozenset | set):
        return (type(value), tuple(value))
    return (type(value), value)


def _read(facts, read):
    if isinstance(read, tuple):  # a method called with arguments
        name, args, kwargs = read
        return getattr(facts, name)(*args, **dict(kwargs))
    return getattr(facts, read)


class _Noting:
    """Stands in for a car's facts while a verdict is worked out, noting each first read."""

    __slots__ = ("_facts", "_path", "_seen")

    def __init__(self, facts):
        self._facts = facts
        self._path = []
        self._seen = set()

    def _note(self, read, value):
        if read not in self._seen:
            self._seen.add(read)
            self._path.append((read, _value_key(value)))

    def __getattr__(self, name):
        value = getattr(self._facts, name)
        if callable(value):

            def call(*args, **kwargs):
                result = value(*args, **kwargs)
                self._note((name, args, tuple(sorted(kwargs.items()))), result)
                return result

            return call
        self._note(name, value)
        return value


class _Node:
    __slots__ = ("branches", "read", "result")

    def __init__(self):
        self.read = None
        self.branches = {}
        self.result = _NOTHING


class ReadMemo:
    """`judge(facts)`'s results, remembered by the facts it read; `judge` must read the car
    only through its attributes and methods and depend on nothing else that changes."""

    def __init__(self, judge):
        self._judge = judge
        self._root = _Node()

    def __call__(self, facts):
        node = self._root
        while node.result is _NOTHING and node.read is not None:
            node = node.branches.get(_value_key(_read(facts, node.read)))
            if node is None:
                break
        else:
            if node.result is not _NOTHING:
                return node.result
        noting = _Noting(facts)
        result = self._judge(noting)
        self._remember(noting._path, result)
        return result

    def _remember(self, path, result):
        node = self._root
        for read, value in path:
            if node.read is None and node.result is _NOTHING:
                node.read = read
            if node.read != read:  # not the reads of an earlier walk: keep out of the tree
                return
            node = node.branches.setdefault(value, _Node())
        if node.read is None and not node.branches:
            node.result = result
