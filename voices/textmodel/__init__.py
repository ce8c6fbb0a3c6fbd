"""Text models for citizens' messages: pure Python + scikit-learn, no Django models here."""
