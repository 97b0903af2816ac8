"""The HTML report: one self-contained page for all experiments.

``cooplab.report.build.build_report`` runs the experiments and writes the page;
``cooplab.report.html`` renders it; ``cooplab.report.plots`` holds the figure
helpers experiments draw with.
"""
