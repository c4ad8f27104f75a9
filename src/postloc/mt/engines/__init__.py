"""Translation engines behind one protocol (:mod:`.base`) and one registry (:mod:`.registry`)."""
