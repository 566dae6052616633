"""Running the book's notebooks: which are stale (:mod:`.tracking`), the kernels they run on
(:mod:`.kernels`), started before Sphinx (:mod:`.prefetch`), and the Sphinx events that drive
them (:mod:`.hooks`). Only :mod:`.hooks` knows Sphinx; :mod:`.tracking` and :mod:`.kernels`
know nothing of each other."""
