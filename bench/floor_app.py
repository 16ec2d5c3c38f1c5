"""The framework's floor: a Streamlit app with plotly charts and nothing else (one by default).

bench_committee.py measures our embed view (/vis?figur=…&embed=true) against the one-chart app; bench_cold_pages.py
measures the analysts' pages against four charts (KOSTRA_FLOOR_CHARTS=4). Whatever Streamlit itself costs to serve
plotly charts, no app can go below it.
"""
import os

import plotly.graph_objects as go
import streamlit as st

years = list(range(2017, 2025))
for i in range(int(os.environ.get("KOSTRA_FLOOR_CHARTS", "1"))):
    fig = go.Figure([
        go.Scatter(x=years, y=[186_213, 215_022, 211_500, 226_116, 247_229, 240_360, 251_000, 261_816 + i],
                   name="Larvik"),
        go.Scatter(x=years, y=[241_070, 252_560, 259_975, 269_058, 273_835, 300_598, 314_707, 324_329],
                   name="KOSTRA-gruppen"),
    ])
    fig.update_layout(title="Kostnad per mottaker av hjemmetjenester", height=450)
    st.plotly_chart(fig)
