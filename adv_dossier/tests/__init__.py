from . import test_documents
from . import test_dossier
from . import test_foundation
from . import test_mail_intake
from . import test_report
from . import test_security
from . import test_translations
from . import test_ui
