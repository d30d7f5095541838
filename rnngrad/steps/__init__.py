"""One module per workflow step: settings and arrays in, the named arrays of its output out.

Each `scripts/<rule>.py` loads its inputs, calls the function of the module named like the rule
and saves the result. The modules import only what their step uses, so that the provenance of a
job (rnngrad.workflow.provenance) names exactly the code it ran.
"""
