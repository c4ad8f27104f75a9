from pathlib import Path

from postloc.mt.memory import MemoryKey, Stored, TranslationMemory

KEY = MemoryKey("pseudo", "1", "fr", "en")


def test_store_and_lookup_survive_reopen(tmp_path: Path) -> None:
    path = tmp_path / "tm.sqlite3"
    memory = TranslationMemory(path)
    memory.store(KEY, [("Bonjour", Stored("Hello")), ("Oui", Stored("Yes", ("lost code",)))])
    memory.close()
    again = TranslationMemory(path)
    found = again.lookup(KEY, ["Bonjour", "Oui", "Non"])
    assert found == {"Bonjour": Stored("Hello"), "Oui": Stored("Yes", ("lost code",))}


def test_keys_separate_engines_versions_and_pairs() -> None:
    memory = TranslationMemory(None)
    memory.store(KEY, [("Bonjour", Stored("Hello"))])
    for other in (
        MemoryKey("apertium", "1", "fr", "en"),
        MemoryKey("pseudo", "2", "fr", "en"),
        MemoryKey("pseudo", "1", "fr", "es"),
    ):
        assert memory.lookup(other, ["Bonjour"]) == {}
    assert len(memory) == 1


def test_lookup_many_texts() -> None:
    memory = TranslationMemory(None)
    texts = [f"phrase {i}" for i in range(1500)]
    memory.store(KEY, [(t, Stored(t.upper())) for t in texts])
    assert len(memory.lookup(KEY, texts)) == 1500
