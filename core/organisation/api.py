from core.apikit import DatongRouter

router = DatongRouter()
