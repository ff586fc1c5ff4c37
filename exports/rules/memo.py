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

from datetime import date
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


_PLAIN = frozenset({str, type(None), date})  # equal only to their own kind


def _reader(read):
    """A function that makes `read` again on the arguments of another call."""
    which, name, call = read
    if call is None:
        return lambda args: getattr(args[which], name)
    positional, named = call[0], dict(call[1])  # a method, with its arguments
    return lambda args: getattr(args[which], name)(*positional, **named)


def _key(value):
    return value if type(value) in _PLAIN else _value_key(value)


class _Noting:
    """Stands in for one of the judged objects while a result is worked out, noting each
    first read in the path they share."""

    __slots__ = ("_path", "_seen", "_target", "_which")

    def __init__(self, target, which, path, seen):
        self._target = target
        self._which = which
        self._path = path
        self._seen = seen

    def _note(self, read, value):
        if read not in self._seen:
            self._seen.add(read)
            self._path.append((read, _key(value)))

    def __getattr__(self, name):
        value = getattr(self._target, name)
        if callable(value):

            def call(*args, **kwargs):
                result = value(*args, **kwargs)
                self._note((self._which, name, (args, tuple(sorted(kwargs.items())))), result)
                return result

            return call
        self._note((self._which, name, None), value)
        return value


class _Node:
    __slots__ = ("branches", "read", "reader", "result")

    def __init__(self):
        self.read = None
        self.reader = None
        self.branches = {}
        self.result = _NOTHING


class ReadMemo:
    """`judge(*args)`'s results, remembered by what it read of its arguments; `judge` must
    read them only through their attributes and methods and depend on nothing else that
    changes."""

    def __init__(self, judge):
        self._judge = judge
        self._root = _Node()

    def __call__(self, *args):
        node = self._root
        while node.result is _NOTHING and node.read is not None:
            value = node.reader(args)
            node = node.branches.get(value if type(value) in _PLAIN else _value_key(value))
            if node is None:
                break
        else:
            if node.result is not _NOTHING:
                return node.result
        path, seen = [], set()
        result = self._judge(*(_Noting(arg, which, path, seen) for which, arg in enumerate(args)))
        self._remember(path, result)
        return result

    def _remember(self, path, result):
        node = self._root
        for read, value in path:
            if node.read is None and node.result is _NOTHING:
                node.read, node.reader = read, _reader(read)
            if node.read != read:  # not the reads of an earlier walk: keep out of the tree
                return
            node = node.branches.setdefault(value, _Node())
        if node.read is None and not node.branches:
            node.result = result
