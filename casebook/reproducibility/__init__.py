"""What makes the book reproducible and shows that it is: where the sources stand (:mod:`.provenance`),
the reproducibility page's facts (:mod:`.report`), the release bundle (:mod:`.release`), re-running
everything and comparing (:mod:`.verify`) and the benchmarks as the book shows them (:mod:`.benchmarks`)."""
