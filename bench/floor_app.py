"""The framework's floor for bench_committee.py: a Streamlit app with one plotly chart and nothing else.

Our embed view (/vis?figur=…&embed=true) is measured against this: whatever Streamlit itself costs to serve one
plotly chart, no app can go below it.
"""
import plotly.graph_objects as go
import streamlit as st

years = list(range(2017, 2025))
fig = go.Figure([
    go.Scatter(x=years, y=[186_213, 215_022, 211_500, 226_116, 247_229, 240_360, 251_000, 261_816], name="Larvik"),
    go.Scatter(x=years, y=[241_070, 252_560, 259_975, 269_058, 273_835, 300_598, 314_707, 324_329],
               name="KOSTRA-gruppen"),
])
fig.update_layout(title="Kostnad per mottaker av hjemmetjenester", height=450)
st.plotly_chart(fig)
